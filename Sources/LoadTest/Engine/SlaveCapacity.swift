import Foundation

/// The one rule for "does this slave's share of the plan fit its limits", used by the
/// preflight (with the limits a slave reports, or those `prepare` will set) and by
/// `switchy check` (with the limits it can know without connecting: a simulated
/// slave's own, or `prepare`'s).
public struct SlaveCapacity: Sendable, Equatable {
    /// The slave's share of the calls (its weight over all weights).
    public var share: Double
    /// Sessions each call makes on the slave: 2 for a call to its own SIP address
    /// (`{sip}`: the outbound leg and the inbound one), else 1.
    public var sessionsPerCall: Double
    /// The plan's peak offered rate, calls/s (all slaves).
    public var peakRate: Double
    /// The plan's concurrency limit (all slaves), if any.
    public var limit: Int?
    /// Whether the slave is simulated (where to raise its limit).
    public var simulated: Bool

    public init(share: Double, sessionsPerCall: Double, peakRate: Double, limit: Int?, simulated: Bool) {
        self.share = share
        self.sessionsPerCall = sessionsPerCall
        self.peakRate = peakRate
        self.limit = limit
        self.simulated = simulated
    }

    /// Sessions each call to `dest` makes on the slave.
    public static func sessionsPerCall(dest: String) -> Double { dest.contains("{sip}") ? 2 : 1 }

    /// What does not fit under `sessionsPerSecond` and `maxSessions` (nil: not known),
    /// one sentence each; empty when it fits. The peak may use 95 % of `sps` at most.
    public func problems(sessionsPerSecond sps: Int?, maxSessions: Int?) -> [String] {
        let peakSessions = peakRate * share * sessionsPerCall
        var problems: [String] = []
        if let sps, peakSessions > Double(sps) * 0.95 {
            problems.append(
                "its share of the peak rate needs \(Self.format(peakSessions)) sessions/s"
                    + (sessionsPerCall > 1 ? " (a call to itself is 2 sessions)" : "")
                    + ", over its sessions-per-second limit (\(sps)); raise it with "
                    + (simulated ? "its sim.sps" : "prepare.sps or `fsctl sps`"))
        }
        if let maxSessions, let limit, Double(limit) * share * sessionsPerCall > Double(maxSessions) {
            problems.append(
                "its share of the call limit needs \(Self.format(Double(limit) * share * sessionsPerCall)) sessions, "
                    + "over its max-sessions (\(maxSessions))")
        }
        return problems
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

extension Profile {
    /// Each slave's capacity problems that can be known without connecting: a
    /// simulated slave's `sps`/`max_sessions`, or a remote slave's `prepare` values
    /// (which the run sets before its first call). A remote slave without `prepare`
    /// is checked only by the run's preflight, against what it reports.
    public var knownCapacityProblems: [(slave: String, problems: [String])] {
        let totalWeight = Double(slaves.reduce(0) { $0 + max(0, $1.weight) })
        return slaves.compactMap { slave in
            let limits: (sps: Int?, max: Int?)
            let simulated: Bool
            switch slave.kind {
            case .simulated(let sim):
                limits = (sim.sps, sim.maxSessions)
                simulated = true
            case .remote:
                limits = (prepare.sps, prepare.maxSessions)
                simulated = false
            }
            let capacity = SlaveCapacity(
                share: totalWeight > 0 ? Double(slave.weight) / totalWeight : 1,
                sessionsPerCall: SlaveCapacity.sessionsPerCall(dest: slave.call.dest), peakRate: load.rate.peak,
                limit: load.limit, simulated: simulated)
            let problems = capacity.problems(sessionsPerSecond: limits.sps, maxSessions: limits.max)
            return problems.isEmpty ? nil : (slave.label, problems)
        }
    }
}
