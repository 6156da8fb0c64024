/**
 * Who may connect and who may call the server API.
 *
 * <ul>
 *   <li>{@link io.rtgw.auth.JwtAuthenticator} — the core {@code Authenticator} for client JWTs
 *       (docs/protocol.md §3), configured by an immutable {@link io.rtgw.auth.JwtVerifierSettings};</li>
 *   <li>{@link io.rtgw.auth.LiveApiKeys} / {@link io.rtgw.auth.ApiKeySet} /
 *       {@link io.rtgw.auth.ApiKeyScope} — bearer keys of the server API (§7);</li>
 *   <li>{@link io.rtgw.auth.DevTokens} — the demo token printed by {@code --dev}.</li>
 * </ul>
 *
 * See {@code docs/security.md} for the threat model these classes answer.
 */
package io.rtgw.auth;
