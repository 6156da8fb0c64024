package io.rtgw.core.hooks;

import java.util.function.Predicate;

/**
 * The hooks a node asks (docs/protocol.md §11); each is null when not configured. The subscribe
 * and publish hooks are asked only in the namespaces that turned them on.
 */
public record Hooks(ConnectHook connect, SubscribeHook subscribe, Predicate<String> subscribeNamespaces,
                    PublishHook publish, Predicate<String> publishNamespaces) {
    public static final Hooks NONE = new Hooks(null, null, ns -> false, null, ns -> false);

    public Hooks {
        subscribeNamespaces = subscribe == null || subscribeNamespaces == null ? ns -> false : subscribeNamespaces;
        publishNamespaces = publish == null || publishNamespaces == null ? ns -> false : publishNamespaces;
    }

    /** Whether a subscribe the grants do not cover is put to the app in this namespace. */
    public boolean asksOnSubscribe(String namespace) {
        return subscribeNamespaces.test(namespace);
    }

    /** Whether a client publish in this namespace goes to the app first. */
    public boolean asksOnPublish(String namespace) {
        return publishNamespaces.test(namespace);
    }
}
