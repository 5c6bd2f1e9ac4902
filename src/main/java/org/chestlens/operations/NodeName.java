package org.chestlens.operations;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * This node's name among the nodes sharing one PostgreSQL: {@code chestlens.node-name} ({@code CHESTLENS_NODE_NAME}),
 * else host name and process id, so that two nodes on one machine differ too. Names who runs a job and tags metrics.
 */
@Component
public class NodeName {

    private final String value;

    NodeName(@Value("${chestlens.node-name:}") String configured) {
        this.value = StringUtils.hasText(configured) ? configured.trim() : hostName() + "-" + ProcessHandle.current().pid();
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
