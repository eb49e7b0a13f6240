// Server-only: conversation search and transcripts, and sending a turn to review.
export { conversationTranscript, type TTranscript } from './conversation-transcript.ts';
export { searchConversations, type TConversationHit } from './search-conversations.ts';
export { sendToReview } from './send-to-review.ts';
