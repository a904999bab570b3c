package dev.permwatch.local.eos;

import java.time.Duration;
import java.util.List;

/**
 * Counts and timings of the faults of an exactly-once run.
 *
 * @param kills              SIGKILLs of a streams-app instance, failovers included
 * @param restarts           starts of a killed or exited instance during the run, end-of-run starts excluded
 * @param stateWipes         restarts after deleting the state folder
 * @param brokerRestarts     in-place broker restarts
 * @param failovers          instances killed and left down until the end
 * @param unexpectedExits    instances that exited without being killed, each restarted
 * @param restartTimes       time from each start of a killed instance to RUNNING, for the starts
 *                           that reached RUNNING before being killed again
 * @param brokerRestartTimes time of each broker restart, stop and start together
 * @param failoverPartitions snapshots-topic partitions the failed-over instance owned when it was killed
 */
public record FaultCounts(int kills, int restarts, int stateWipes, int brokerRestarts, int failovers,
                          int unexpectedExits, List<Duration> restartTimes, List<Duration> brokerRestartTimes,
                          List<Integer> failoverPartitions) {

    public FaultCounts {
        restartTimes = List.copyOf(restartTimes);
        brokerRestartTimes = List.copyOf(brokerRestartTimes);
        failoverPartitions = List.copyOf(failoverPartitions);
    }
}
