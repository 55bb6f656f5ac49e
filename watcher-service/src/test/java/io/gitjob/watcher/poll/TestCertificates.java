package io.gitjob.watcher.poll;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA made for one test and a server certificate it signed for {@code localhost} and {@code 127.0.0.1}:
 * what a company's Git server behind its own CA presents.
 */
final class TestCertificates {

    static final char[] KEY_STORE_PASSWORD = "test-only".toCharArray();

    private final X509Certificate ca;
    private final X509Certificate server;
    private final KeyPair serverKeys;

    TestCertificates() {
        try {
            KeyPair caKeys = rsa();
            X500Name caName = new X500Name("CN=gitjob test CA " + System.nanoTime());
            Instant now = Instant.now();
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), caName,
                    caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate());
            ca = new JcaX509CertificateConverter().getCertificate(caBuilder.build(signer));

            serverKeys = rsa();
            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=localhost"), serverKeys.getPublic());
            serverBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            serverBuilder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            serverBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
            server = new JcaX509CertificateConverter().getCertificate(serverBuilder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("could not make the test certificates", e);
        }
    }

    /** The CA as PEM, as a user puts it (base64 again) into {@code spec.caBundle}. */
    String caPem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code spec.caBundle} as the GitRepo's JSON holds it. */
    String caBundle() {
        return Base64.getEncoder().encodeToString(caPem().getBytes());
    }

    /** The server's key and chain, for the HTTPS server. */
    KeyStore serverKeyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", serverKeys.getPrivate(), KEY_STORE_PASSWORD,
                    new X509Certificate[] { server, ca });
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
