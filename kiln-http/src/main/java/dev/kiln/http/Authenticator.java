package dev.kiln.http;

import java.util.Optional;

/** Resolves a bearer token to its owner; implemented over the API-key store. */
@FunctionalInterface
public interface Authenticator {

    /** Returns the caller for a valid, unrevoked token, else empty. Must not throw for malformed tokens. */
    Optional<Caller> authenticate(String bearerToken);
}
