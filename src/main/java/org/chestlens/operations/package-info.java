/**
 * Running ChestLens as one of several nodes: Actuator health (liveness, readiness: database and models) and its
 * access rules, Prometheus metrics of the node, draining on shutdown, and this node's name. README, "Health and
 * metrics" and "Several nodes".
 */
@org.springframework.lang.NonNullApi
package org.chestlens.operations;
