// Who may read which channel. The gateway never sees this table: it asks the subscribe hook,
// which reads it, so a change here applies to the next subscribe at once (no token to reissue).
// In a real app this is a database table; here it is memory, seeded with two demo users.

/** Channels every signed-in user gets through the connect hook's `channels` grant. */
export const OPEN_CHANNELS = ['news:*'];

export class Permissions {
  #byUser = new Map();

  constructor(seed = {}) {
    for (const [user, channels] of Object.entries(seed)) this.#byUser.set(user, new Set(channels));
  }

  allows(user, channel) {
    return OPEN_CHANNELS.some((grant) => matches(grant, channel)) || (this.#byUser.get(user)?.has(channel) ?? false);
  }

  grant(user, channel) {
    if (!this.#byUser.has(user)) this.#byUser.set(user, new Set());
    this.#byUser.get(user).add(channel);
  }

  /** True when the user had the permission. */
  revoke(user, channel) {
    return this.#byUser.get(user)?.delete(channel) ?? false;
  }

  channelsOf(user) {
    return [...(this.#byUser.get(user) ?? [])].sort();
  }

  table() {
    return Object.fromEntries([...this.#byUser].map(([user, set]) => [user, [...set].sort()]));
  }
}

/** The gateway's grant syntax (docs/protocol.md §3): an exact name or a `prefix*`. */
function matches(grant, channel) {
  return grant.endsWith('*') ? channel.startsWith(grant.slice(0, -1)) : grant === channel;
}
