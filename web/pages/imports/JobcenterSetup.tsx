/**
 * First set-up: choose one's own Jobcenter from the BA's directory (404 Jobcenters). Its files
 * then land in one region whether they name it `t11522` or by its Kreis key `01060`. Needs the
 * role Verwaltung (the session) or the admin token.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';

import { invalidateData } from '../../api';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { errorText } from '../../lib/error-text';
import type { Access } from './access';
import { chooseHome, fetchJobcenters } from './wizard-api';

export function JobcenterSetup({ access }: { access: Access }) {
  const id = useId();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['jobcenters'], queryFn: fetchJobcenters, staleTime: 60 * 60_000 });
  const [choice, setChoice] = useState('');
  const [result, setResult] = useState<Message | null>(null);
  const home = q.data?.jobcenters.find((j) => j.regionId !== null && j.regionId === q.data?.home);

  const { credential, reason } = access;
  const submit = () => {
    if (!credential) return;
    chooseHome(choice, credential)
      .then((region) => {
        setResult({ ok: true, text: `Eigenes Jobcenter festgelegt (Region ${region}).` });
        void qc.invalidateQueries({ queryKey: ['jobcenters'] });
        void invalidateData(qc);
      })
      .catch((e: unknown) => setResult({ ok: false, text: errorText(e) }));
  };

  return (
    <section className="card" aria-labelledby="setup-h" data-testid="jobcenter-setup">
      <h2 id="setup-h">Eigenes Jobcenter</h2>
      {q.isError && <p role="alert">{errorText(q.error)}</p>}
      <p className="muted">
        {home ? `Festgelegt: ${home.nameBa} (${home.id}). ` : 'Noch nicht festgelegt. '}
        {q.data?.note}
      </p>
      <div className="control">
        <label htmlFor={id}>Jobcenter aus dem Verzeichnis der BA</label>
        <select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">– bitte wählen –</option>
          {(q.data?.jobcenters ?? []).map((j) => (
            <option key={j.id} value={j.id}>
              {j.nameBa} ({j.id}
              {j.kreisAgs ? `, Kreis ${j.kreisAgs}` : ''})
            </option>
          ))}
        </select>
      </div>
      <button type="button" disabled={!choice || !credential} onClick={submit}>
        Als eigenes Jobcenter festlegen
      </button>
      {reason && <p className="muted">{reason}</p>}
      <MessageBanner message={result} />
    </section>
  );
}
