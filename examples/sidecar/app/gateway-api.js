// The few calls of the gateway's server API (docs/server-api.md) this app makes. They go to the
// admin listener, which is never exposed through nginx, with the API key from the environment.

export class GatewayApi {
  constructor({ adminUrl, apiKey, tenant }) {
    this.adminUrl = adminUrl.replace(/\/+$/, '');
    this.apiKey = apiKey;
    this.tenant = tenant;
  }

  /** Resolves with the message's replay id. */
  async publish(channel, event, data) {
    return (await this.#post('/api/publish', { channel, event, data })).id;
  }

  /** Ends the user's live subscriptions of the channel; the client gets `unsubscribed {reason: server}`. */
  unsubscribe(user, channel) {
    return this.#post('/api/unsubscribe', { user, channel });
  }

  /** Ends every connection of the user for good (WebSocket 4410): the client stops reconnecting. */
  disconnect(user) {
    return this.#post('/api/disconnect', { user });
  }

  async #post(path, body) {
    const res = await fetch(this.adminUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: this.tenant, ...body }),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`gateway ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }
}
