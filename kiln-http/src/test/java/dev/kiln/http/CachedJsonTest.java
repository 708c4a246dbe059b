package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cache envelope of a JSON body: what a loader encodes decodes to the same body without a copy. */
class CachedJsonTest {
    private static final byte[] BODY = "{\"items\":[],\"nextCursor\":null}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theArrayALoaderReturnsDecodesToTheBodyItEncoded() {
        CachedJson body = CachedJson.of(7, BODY);
        byte[] encoded = body.encode();
        // The loader's own array (a miss, or every request with the cache off) is a lookup, not a parse and a copy.
        assertThat(CachedJson.decode(encoded)).isSameAs(body);
    }

    @Test
    void anotherArrayWithTheSameBytesDecodesToAnEqualBody() {
        CachedJson body = CachedJson.of(7, BODY);
        // As an L2 (Redis) hit arrives: new bytes, never seen by this process.
        CachedJson decoded = CachedJson.decode(body.encode().clone());
        assertThat(decoded).isNotSameAs(body);
        assertThat(decoded.json()).isEqualTo(BODY);
        assertThat(decoded.etag()).isEqualTo(body.etag());
        assertThat(decoded.ownedBy(7)).contains(decoded);
        assertThat(decoded.ownedBy(8)).isEmpty();
    }
}
