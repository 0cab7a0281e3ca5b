import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../../server/config.js';

const variables = Object.keys(envSchema.shape);

describe('configuration is documented and validated', () => {
  test.each(variables)('%s is in .env.example and the README', (name) => {
    expect(readFileSync('.env.example', 'utf8')).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(readFileSync('README.md', 'utf8')).toContain(`\`${name}\``);
  });

  test('.env.example holds the defaults and passes validation as it is', () => {
    const env: Record<string, string> = {};
    for (const line of readFileSync('.env.example', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m?.[1]) env[m[1]] = m[2] ?? '';
    }
    expect(Object.keys(env).sort()).toEqual([...variables].sort());
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  test('every bad variable is named at once', () => {
    try {
      loadConfig({
        PORT: 'abc',
        ADMIN_TOKEN: 'short',
        ALERT_RECIPIENTS: 'a@b.de,not-an-address',
        SMTP_URL: 'http://x',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      for (const name of ['PORT', 'ADMIN_TOKEN', 'ALERT_RECIPIENTS', 'SMTP_URL']) expect(msg).toContain(name);
      expect(msg).toContain('not-an-address');
    }
  });
});
