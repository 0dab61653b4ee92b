import WebSocket from 'ws';

/** One message as Nest's `WsAdapter` frames it. */
export interface WsMessage {
  readonly event: string;
  readonly data: unknown;
}

/**
 * A `ws` client that queues what the server sends, so a test can send a message and then
 * read the next one that arrives.
 */
export class WsTestClient {
  private readonly received: WsMessage[] = [];
  private readonly waiting: Array<(message: WsMessage) => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as WsMessage;
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
  }

  /** Connects to `url` and resolves once the socket is open. */
  static connect(url: string): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new WsTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `data` as the `event` message. */
  send(event: string, data: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  /** Sends a message and resolves with the next message the server sends back. */
  ask(event: string, data: unknown): Promise<WsMessage> {
    const reply = this.next();
    this.send(event, data);
    return reply;
  }

  /** The next message from the server. */
  next(): Promise<WsMessage> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);

    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Closes the socket and resolves once it is closed. */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();

    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
