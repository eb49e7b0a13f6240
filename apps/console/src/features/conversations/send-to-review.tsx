'use client';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc';

export function SendToReview({ messageId }: { messageId: string }) {
  const trpc = useTRPC();
  const send = useMutation(trpc.conversations.sendToReview.mutationOptions());
  if (send.isSuccess) return <span>sent to review</span>;
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={send.isPending}
        onClick={() => send.mutate({ messageId })}
      >
        Send to review
      </button>
      {send.error ? (
        <span role="alert" className="error">
          {send.error.message}
        </span>
      ) : null}
    </>
  );
}
