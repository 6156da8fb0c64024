package io.rtgw.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RSA and EC public keys from PEM text with the JDK alone (Nimbus' own PEM reader needs
 * BouncyCastle). Accepts any number of {@code PUBLIC KEY} / {@code CERTIFICATE} blocks so that an
 * operator can list the old and the new key side by side while rotating.
 */
final class PemPublicKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemPublicKeys() {
    }

    static List<VerificationKey> parse(String pem, String kid) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("RTGW_JWT_PUBLIC_KEY is empty");
        }
        List<VerificationKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("RTGW_JWT_PUBLIC_KEY: block " + (keys.size() + 1)
                        + " is not valid base64", e);
            }
            try {
                keys.add(VerificationKey.of(toPublicKey(type, der), kid));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("RTGW_JWT_PUBLIC_KEY: block " + (keys.size() + 1)
                        + " (" + type + ") is not a usable public key: " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("RTGW_JWT_PUBLIC_KEY contains no '-----BEGIN PUBLIC KEY-----'"
                    + " or '-----BEGIN CERTIFICATE-----' block");
        }
        return keys;
    }

    private static PublicKey toPublicKey(String type, byte[] der) throws GeneralSecurityException {
        switch (type) {
            case "PUBLIC KEY":
                return fromSubjectPublicKeyInfo(der);
            case "CERTIFICATE":
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            default:
                // Private keys in particular: the gateway must never hold the signing key.
                throw new GeneralSecurityException("expected PUBLIC KEY or CERTIFICATE, not " + type);
        }
    }

    private static PublicKey fromSubjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("neither an RSA nor an EC key", last);
    }
}
