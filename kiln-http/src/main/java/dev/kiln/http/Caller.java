package dev.kiln.http;

/**
 * The authenticated owner of a request.
 *
 * @param userId the user the API key belongs to
 * @param keyId the public id of the key (never the secret)
 */
public record Caller(long userId, String keyId) {}
