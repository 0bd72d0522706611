package io.lwm2m.provisioning.cli.device;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;

/** Key arithmetic the simulator needs and the JDK does not offer. */
final class Keys {

    private Keys() {
    }

    /** A PSK key from its hex form; the message never quotes it. */
    static byte[] pskKey(String hex) {
        if (hex.isEmpty() || hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("the PSK key must be an even number of hexadecimal digits");
        }
        return HexFormat.of().parseHex(hex);
    }

    /**
     * The public key of an EC private key (Q = d·G): an RPK device presents its public key, and the
     * secrets file holds only the private one.
     */
    static PublicKey publicKeyOf(PrivateKey privateKey) {
        if (!(privateKey instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("a raw public key device needs an EC key, not " + privateKey.getAlgorithm());
        }
        ECParameterSpec params = ec.getParams();
        ECCurve curve = EC5Util.convertCurve(params.getCurve());
        org.bouncycastle.math.ec.ECPoint q = EC5Util.convertPoint(curve, params.getGenerator()).multiply(ec.getS()).normalize();
        BigInteger x = q.getAffineXCoord().toBigInteger();
        BigInteger y = q.getAffineYCoord().toBigInteger();
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the EC private key's public key cannot be built: " + e.getMessage());
        }
    }
}
