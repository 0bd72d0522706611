package io.lwm2m.provisioning.bootstrap.enrollment;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** A group changed on this replica: its handshakes see the change as soon as it commits (others within the refresh interval). */
final class GroupDirectoryRefresh {

    private GroupDirectoryRefresh() {
    }

    static void afterCommit(GroupDirectory directory) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    directory.refresh();
                } catch (RuntimeException e) {
                    // the scheduled refresh catches up
                }
            }
        });
    }
}
