/// Chooses the slave for each call: among the healthy slaves below their own limit,
/// the one with the fewest calls in flight for its weight (the most free capacity),
/// round-robin among equals.
///
/// With weights 2 and 1 and no per-slave limits, calls in flight settle at 2:1. A slave
/// that is down or at its `limit` is skipped; when none is left, there is no choice.
public struct SlavePool: Sendable {
    /// What the pool knows of one slave when choosing.
    public struct Candidate: Sendable, Equatable {
        public var weight: Int
        public var limit: Int?
        public var healthy: Bool
        public var inFlight: Int
        public init(weight: Int = 1, limit: Int? = nil, healthy: Bool = true, inFlight: Int = 0) {
            self.weight = weight
            self.limit = limit
            self.healthy = healthy
            self.inFlight = inFlight
        }
    }

    /// Where the round-robin among equals resumes.
    private var cursor = 0

    public init() {}

    /// The index of the chosen slave, or nil when none can take a call.
    public mutating func choose(_ candidates: [Candidate]) -> Int? {
        guard !candidates.isEmpty else { return nil }
        var best: Int?
        var bestLoad = Double.infinity
        // Start after the last choice so that ties rotate.
        for step in 0..<candidates.count {
            let index = (cursor + 1 + step) % candidates.count
            let candidate = candidates[index]
            guard candidate.healthy, candidate.weight > 0 else { continue }
            if let limit = candidate.limit, candidate.inFlight >= limit { continue }
            let load = Double(candidate.inFlight + 1) / Double(candidate.weight)
            if load < bestLoad {
                best = index
                bestLoad = load
            }
        }
        if let best { cursor = best }
        return best
    }
}
