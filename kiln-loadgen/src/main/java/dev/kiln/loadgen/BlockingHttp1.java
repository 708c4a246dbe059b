package dev.kiln.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client for the sequential mode: one keep-alive connection, written and read on the caller's
 * thread, so that a request's latency is the server's answer plus loopback, not the client's own hand-offs.
 *
 * <p>{@link java.net.http.HttpClient} passes every exchange through its selector thread and an executor (several
 * thread wake-ups per request); on a 2-core host that added milliseconds to the tail of a sub-millisecond answer
 * (BENCHMARKS.md, "Read path": a trivial route's p99 5.6 ms through it, 0.55 ms through a plain blocking client in
 * the same minute). The open and saturating modes keep {@code HttpClient}: there many requests are in flight at once
 * and a thread per connection would be the client's own bottleneck.
 *
 * <p>Reads a body delimited by {@code Content-Length}, by chunked transfer coding, or by the end of the connection;
 * reconnects after {@code Connection: close} or any error. The timeout bounds the connect and each read. Not
 * thread-safe: one instance per sequential loop.
 */
final class BlockingHttp1 implements AutoCloseable {

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    BlockingHttp1(URI anyTarget, Duration timeout) {
        int port = anyTarget.getPort() == -1 ? 80 : anyTarget.getPort();
        this.address = new InetSocketAddress(anyTarget.getHost(), port);
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    /** The request's bytes, built once: request line, Host, the given headers, Content-Length and the body. */
    static byte[] encode(String method, URI target, Map<String, String> headers, String body) {
        String path = target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        if (target.getRawQuery() != null) {
            path += "?" + target.getRawQuery();
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(target.getHost())
                .append(':')
                .append(target.getPort() == -1 ? 80 : target.getPort())
                .append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            if (name.isEmpty()
                    || (name + value).chars().anyMatch(c -> c == '\r' || c == '\n')
                    || name.chars().anyMatch(c -> c == ':' || c == ' ')) {
                throw new IllegalArgumentException("header '" + name + "' cannot be set: not a valid header");
            }
            if (name.equalsIgnoreCase("Host")
                    || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Connection")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException("header '" + name + "' cannot be set: restricted header name");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + payload.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(payload, 0, all, start.length, payload.length);
        return all;
    }

    /** Sends {@code request} (from {@link #encode}) and reads the whole answer; returns its status code. */
    int exchange(byte[] request) throws IOException {
        try {
            if (socket == null) {
                connect();
            }
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(address, timeoutMillis);
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            out = s.getOutputStream();
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private int readResponse() throws IOException {
        while (true) {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status code in: " + statusLine, e);
            }
            long length = -1;
            boolean chunked = false;
            boolean close = parts[0].equals("HTTP/1.0");
            int headerBytes = 0;
            for (String h = line(); !h.isEmpty(); h = line()) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("response headers over " + MAX_HEADER_BYTES + " bytes");
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {}
                }
            }
            if (status >= 100 && status < 200) {
                continue; // an interim answer; the final one follows
            }
            if (status == 204 || status == 304) {
                length = 0;
            }
            if (chunked) {
                readChunked();
            } else if (length >= 0) {
                skip(length);
            } else {
                while (in.read() != -1) {
                    // no length: the body ends with the connection
                }
                close = true;
            }
            if (close) {
                close();
            }
            return status;
        }
    }

    private void readChunked() throws IOException {
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + size, e);
            }
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return;
            }
            skip(n);
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() == -1) {
                    throw new IOException("connection closed with " + left + " body bytes to go");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = buf.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (buf.size() >= MAX_HEADER_BYTES) {
                throw new IOException("response line over " + MAX_HEADER_BYTES + " bytes");
            }
            buf.write(c);
        }
        throw new IOException("connection closed before the end of the response head");
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }
}
