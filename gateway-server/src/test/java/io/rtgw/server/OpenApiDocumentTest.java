package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml is a valid OpenAPI 3.1 document (swagger-parser finds nothing to say) that
 * describes every server-API operation and no other; ServerApiIT checks real calls against it.
 */
class OpenApiDocumentTest {
    @Test
    void theFileDescribesEveryServerApiOperation() {
        OpenApiContract contract = OpenApiContract.get();
        assertThat(contract.model.getComponents().getSecuritySchemes()).containsKey("apiKey");
        assertThat(contract.model.getComponents().getSecuritySchemes().get("apiKey").getScheme()).isEqualTo("bearer");
        assertThat(contract.operations()).containsExactlyInAnyOrder(
                "POST /api/publish", "POST /api/disconnect", "POST /api/unsubscribe", "POST /api/revoke",
                "DELETE /api/revoke", "GET /api/revocations", "GET /api/channels", "GET /api/history",
                "GET /api/users/{user}", "GET /api/info", "GET /api/presence", "GET /api/presence/stats");
    }
}
