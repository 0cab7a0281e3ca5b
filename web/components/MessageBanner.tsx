/** The outcome of the last action, read out politely (success) or at once (error). */
export interface Message {
  ok: boolean;
  text: string;
}

export function MessageBanner({ message, testId }: { message: Message | null; testId?: string }) {
  return (
    <div aria-live="polite" data-testid={testId}>
      {message && (
        <p
          className={message.ok ? 'banner banner-ok' : 'banner banner-error'}
          role={message.ok ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
