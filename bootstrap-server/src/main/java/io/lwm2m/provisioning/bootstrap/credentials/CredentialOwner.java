package io.lwm2m.provisioning.bootstrap.credentials;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * The device a credential belongs to, as this package sees it: a read-only view of its id and
 * endpoint. The {@code devices} package owns the row and its entity; credentials only need to name
 * their owner, so they depend on this view and {@code devices} can depend on credentials without a
 * cycle (ArchitectureTest).
 */
@Entity(name = "CredentialOwner")
@Immutable
@Table(name = "devices")
public class CredentialOwner {

    @Id
    private Long id;

    @Column(nullable = false, insertable = false, updatable = false)
    private String endpoint;

    protected CredentialOwner() {
    }

    public Long id() {
        return id;
    }

    public String endpoint() {
        return endpoint;
    }
}
