package io.rtgw.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.hooks.HookVerdict;
import org.junit.jupiter.api.Test;

class HookAnswerJsonTest {
    @Test
    void onlyALiteralTrueAllows() {
        assertThat(HookAnswerJson.read("{\"allow\":true}", false).verdict().allowed()).isTrue();
        assertThat(HookAnswerJson.read("{\"allow\":false}", false).result()).isEqualTo(HookResult.REFUSED);
        for (String nonsense : new String[] {"", "null", "true", "[]", "{}", "{\"allow\":\"true\"}", "{\"allow\":1}",
                "{\"allow\":true,\"ttl\":-1}", "{\"allow\":true,\"ttl\":\"60\"}", "{\"allow\":true,\"ttl\":1.5}", "{"}) {
            HookEndpoint.Judged<HookVerdict> judged = HookAnswerJson.read(nonsense, false);
            assertThat(judged.verdict().allowed()).as(nonsense).isFalse();
            assertThat(judged.result()).as(nonsense).isEqualTo(HookResult.INVALID);
        }
    }

    @Test
    void ttlIsCappedAndDataIsReadOnlyWhereItMayReplace() {
        assertThat(HookAnswerJson.read("{\"allow\":true,\"ttl\":86400}", false).verdict().ttlSeconds())
                .isEqualTo(HookAnswerJson.MAX_TTL_SECONDS);
        assertThat(HookAnswerJson.read("{\"allow\":true,\"ttl\":null}", false).verdict().ttlSeconds()).isZero();
        assertThat(HookAnswerJson.read("{\"allow\":true,\"data\":{\"a\": [1, \"x\"]}}", true).verdict().data())
                .isEqualTo("{\"a\":[1,\"x\"]}");
        assertThat(HookAnswerJson.read("{\"allow\":true,\"data\":null}", true).verdict().data()).isEqualTo("null");
        assertThat(HookAnswerJson.read("{\"allow\":true,\"data\":1}", false).verdict().data()).isNull();
    }
}
