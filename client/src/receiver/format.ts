import { parseWebhook, WebhookVerificationError } from '../parse-webhook.js';
import type { ReceivedRequest, SignatureCheck } from './start-receiver.js';

/** Settings the start message describes. */
export interface ReplySettings {
  secret: string | undefined;
  status: number;
  hang: boolean;
  failFirst: number;
}

/** Formats the lines printed once the receiver listens. The secret itself is never included. */
export function formatStartMessage(url: string, settings: ReplySettings): string {
  const lines = [`Lasso receiver listening on ${url}`, `Replies: ${describeReplies(settings)}`];

  if (settings.secret === undefined) {
    lines.push('Signatures: not checked; start with --secret to check X-Lasso-Signature.');
  } else {
    lines.push('Signatures: checked against the secret given with --secret.');
  }

  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

function describeReplies(settings: ReplySettings): string {
  if (settings.hang) {
    return 'none; every connection stays open until the sender gives up.';
  }

  let text = `${settings.status} to every request.`;
  if (settings.status < 200) {
    text += ` A ${settings.status} is informational, so senders keep waiting for a final status.`;
  }
  if (settings.failFirst > 0) {
    text = `500 to the first ${settings.failFirst} request(s), then ${text}`;
  }

  return text;
}

/** Formats one received request as a readable block of lines ending with a blank line. */
export function formatReceivedRequest(request: ReceivedRequest): string {
  const lines = [
    `--- request ${request.number} at ${request.receivedAt.toISOString()} ---`,
    `${request.method} ${escapeControlCharacters(request.path)}`,
    `reply: ${describeReply(request)}`,
    `signature: ${describeSignature(request.signature, request.bodyTooLarge)}`,
  ];

  if (!request.bodyTooLarge) {
    lines.push(`payload: ${escapeControlCharacters(describePayload(request.body))}`);
  }

  lines.push('headers:');
  for (const [name, value] of request.headers) {
    lines.push(`  ${name}: ${escapeControlCharacters(value)}`);
  }

  lines.push('body:');
  lines.push(indent(formatBody(request), '  '));

  lines.push('');
  return lines.join('\n');
}

function describeReply(request: ReceivedRequest): string {
  if (request.replyStatus === null) {
    return 'none (--hang keeps the connection open)';
  }
  if (request.failedOnPurpose) {
    return `${request.replyStatus} (failing on purpose, --fail-first)`;
  }
  if (request.bodyTooLarge) {
    return `${request.replyStatus} (body too large)`;
  }

  return String(request.replyStatus);
}

function describeSignature(check: SignatureCheck, bodyTooLarge: boolean): string {
  switch (check) {
    case 'valid':
      return 'valid';
    case 'invalid':
      return 'INVALID';
    case 'missing':
      return 'missing';
    case 'not_checked':
      return bodyTooLarge ? 'not checked (body too large)' : 'not checked (no --secret)';
    default: {
      const unexpected: never = check;
      return String(unexpected);
    }
  }
}

// Validates the body against the webhook schemas, so people see what a receiver library would reject.
function describePayload(body: Buffer): string {
  try {
    const payload = parseWebhook(body);
    return `valid ${payload.event} webhook`;
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return `INVALID (${error.message})`;
    }
    throw error;
  }
}

function formatBody(request: ReceivedRequest): string {
  if (request.bodyTooLarge) {
    return `(dropped: larger than the receiver's limit)`;
  }
  if (request.body.length === 0) {
    return '(empty)';
  }

  const text = request.body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return escapeControlCharacters(text);
  }
}

// A body or header from the network must not be able to send escape sequences to the terminal.
function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the purpose here
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
