package io.rtgw.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jwt_public_key}: each entry is PEM text or the path of a PEM file, and any of them may hold
 * several blocks. Files are read here, at start, so a wrong path fails the start rather than the
 * first login. The keys are only checked for shape; turning them into keys is the verifier's job.
 */
final class PemKeys {
    static final String EXPECTED = "PEM public keys (-----BEGIN PUBLIC KEY-----) or certificates, as text or as paths of PEM files";
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final List<String> ACCEPTED = List.of("PUBLIC KEY", "RSA PUBLIC KEY", "EC PUBLIC KEY", "CERTIFICATE");

    private PemKeys() {}

    static List<String> read(RawValue v) {
        List<String> entries = entries(v);
        List<String> blocks = new ArrayList<>();
        for (String entry : entries) {
            String pem = entry.contains("-----BEGIN") ? entry : readFile(v, entry);
            blocks.addAll(blocks(v, pem));
        }
        return blocks;
    }

    /** In text form PEM cannot be comma-split (it is one value); a list of paths can. */
    private static List<String> entries(RawValue v) {
        if (v.isYaml() && v.node().isArray()) {
            return SettingReader.list(v);
        }
        String text = SettingReader.scalar(v);
        return text.contains("-----BEGIN") ? List.of(text) : SettingReader.list(v);
    }

    private static String readFile(RawValue v, String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(v.where() + ": cannot read key file \"" + path + "\" (" + e.getClass().getSimpleName()
                    + ") (expected: " + EXPECTED + ")", e);
        }
    }

    private static List<String> blocks(RawValue v, String pem) {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1);
            if (label.contains("PRIVATE")) {
                // Handing the gateway a signing key is a leak waiting to happen; say so plainly.
                throw new ConfigException(v.where() + ": contains a private key (expected: only the public key; "
                        + "derive it with: openssl pkey -in key.pem -pubout)");
            }
            if (!ACCEPTED.contains(label)) {
                throw new ConfigException(v.where() + ": contains a \"" + label + "\" PEM block (expected: " + EXPECTED + ")");
            }
            try {
                Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(v.where() + ": contains a " + label + " block that is not valid base64 (expected: " + EXPECTED + ")");
            }
            out.add(m.group().strip());
        }
        if (out.isEmpty()) {
            throw new ConfigException(v.where() + ": contains no PEM block (expected: " + EXPECTED + ")");
        }
        return out;
    }
}
