package io.lwm2m.provisioning.bootstrap.audit;

/**
 * The result of checking the audit log's hash chain from its first row.
 *
 * @param valid         whether every row's hash matches its fields and its predecessor's hash
 * @param checked       rows checked (up to and including the first broken one)
 * @param firstBrokenId the first row whose stored hash or previous-hash link does not match; null when valid
 * @param reason        what does not match at that row; null when valid
 * @param lastId        the last row checked
 * @param lastHash      its hash (hex): keep it elsewhere to notice a removed tail later
 */
public record ChainVerification(boolean valid, long checked, Long firstBrokenId, String reason, Long lastId, String lastHash) {
}
