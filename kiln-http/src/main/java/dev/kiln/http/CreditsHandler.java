package dev.kiln.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.credits.LedgerEntry;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/credits}: the balance and the newest page of the ledger. */
final class CreditsHandler {
    private final Credits credits;

    CreditsHandler(Credits credits) {
        this.credits = credits;
    }

    void get(ServerRequest req, ServerResponse res) {
        Credits.Statement s = credits.statement(Api.userId(), Api.page(req));
        ObjectNode n = Api.MAPPER.createObjectNode();
        n.put("balance", s.balance());
        ArrayNode ledger = n.putArray("ledger");
        for (LedgerEntry e : s.ledger().items()) {
            ObjectNode row = ledger.addObject();
            row.put("id", e.id());
            row.put("delta", e.delta());
            row.put("balanceAfter", e.balanceAfter());
            row.put("reason", e.reason().wireName());
            row.put("generationId", e.generationId().orElse(null));
            row.put("createdAt", Api.time(e.createdAt()));
        }
        n.put("nextCursor", s.ledger().nextCursor().orElse(null));
        Api.send(res, 200, n);
    }
}
