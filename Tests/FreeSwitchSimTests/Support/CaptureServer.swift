import FreeSwitchSim

extension SimConfiguration {
    /// Server A of the captures (fixtures README): switch name `fslab-a`, the address
    /// its events carry, no periodic HEARTBEAT (a replay fires one where the capture has
    /// it), and its limits when the capture was recorded; on `clock`, started at the
    /// capture's connect time.
    static func captureServerA(clock: ManualClock, sessionsPerSecond: Int = 200, maxSessions: Int = 2000) -> SimConfiguration {
        var configuration = SimConfiguration()
        configuration.clock = clock
        configuration.switchname = "fslab-a"
        configuration.ipv4 = "192.0.2.2"
        configuration.heartbeatInterval = 0
        configuration.timing.sessionsPerSecond = sessionsPerSecond
        configuration.timing.maxSessions = maxSessions
        return configuration
    }
}

extension ManualClock {
    /// Moves the clock to `microseconds` (since the epoch), if that is ahead.
    func advance(toMicroseconds microseconds: Int64) {
        if microseconds > nowMicroseconds { advance(by: Double(microseconds - nowMicroseconds) / 1_000_000) }
    }
}
