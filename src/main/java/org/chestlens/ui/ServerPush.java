package org.chestlens.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.communication.PushMode;
import java.util.HashSet;
import java.util.Set;

/**
 * Vaadin's server push, switched on for a UI only while a component on it has changes pushed to it ({@link PushFeed}):
 * other pages never open the connection. Counted per UI, so that navigating from one live page to another keeps it on
 * whichever of the two is detached first.
 */
public final class ServerPush {

    /** The components of one UI that need push now, and whether it was switched on for them. */
    private static final class Needs {
        final Set<Component> components = new HashSet<>();
        boolean switchedOn;
    }

    private ServerPush() {
    }

    /** Switches push on for {@code ui} (if it is not on already) until {@code component} is detached. */
    public static void neededBy(Component component, UI ui) {
        Needs needs = ComponentUtil.getData(ui, Needs.class);
        if (needs == null) {
            needs = new Needs();
            ComponentUtil.setData(ui, Needs.class, needs);
        }
        if (!needs.components.add(component)) {
            return;
        }
        if (!ui.getPushConfiguration().getPushMode().isEnabled()) {
            ui.getPushConfiguration().setPushMode(PushMode.AUTOMATIC);
            needs.switchedOn = true;
        }
        Needs held = needs;
        component.addDetachListener(e -> {
            e.unregisterListener();
            held.components.remove(component);
            if (held.components.isEmpty() && held.switchedOn) {
                ui.getPushConfiguration().setPushMode(PushMode.DISABLED);
                held.switchedOn = false;
            }
        });
    }
}
