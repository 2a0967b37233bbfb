extension Profile {
    /// Command-line changes to a loaded profile (`switchy run|check PROFILE --rate 50 …`),
    /// checked by the same rules as the file. Nil fields leave the profile as it is.
    public struct Overrides: Sendable, Equatable {
        /// `--rate R`: a constant rate (calls/s), replacing `load.rate`, `load.ramp` or
        /// `load.search`.
        /// A ramp's length is kept as `run_time` when the profile had none.
        public var rate: Double?
        /// `--limit N`: `load.limit`.
        public var limit: Int?
        /// `--duration S|auto`: `load.duration`.
        public var duration: Load.Hold?
        /// `--max-offered N`: `load.max_offered`.
        public var maxOffered: Int?
        /// `--run-time S`: `load.run_time`.
        public var runTime: Double?
        /// `--slave HOST[:PORT]` (repeatable): replaces `slaves` with these remote slaves
        /// (weight 1, no per-slave limit, the profile's `call`).
        public var slaves: [Slave.Remote]?
        /// `--out DIR`: `report.dir`.
        public var outputDirectory: String?

        public init(
            rate: Double? = nil, limit: Int? = nil, duration: Load.Hold? = nil, maxOffered: Int? = nil,
            runTime: Double? = nil, slaves: [Slave.Remote]? = nil, outputDirectory: String? = nil
        ) {
            self.rate = rate
            self.limit = limit
            self.duration = duration
            self.maxOffered = maxOffered
            self.runTime = runTime
            self.slaves = slaves
            self.outputDirectory = outputDirectory
        }

        /// Whether nothing is overridden.
        public var isEmpty: Bool { self == Overrides() }
    }

    /// This profile with `overrides` applied.
    ///
    /// - Throws: ``ProfileError`` naming the profile's file and the option (e.g.
    ///   `--rate (load.rate)`) when a value breaks the rule for that field.
    public func applying(_ overrides: Overrides) throws(ProfileError) -> Profile {
        var profile = self
        func fail(_ option: String, _ field: String, _ message: String) -> ProfileError {
            ProfileError(file: file, path: "\(option) (\(field))", kind: .invalidValue, message: message)
        }
        if let rate = overrides.rate {
            if let problem = Load.rateRule.problem(rate) {
                throw fail("--rate", "load.rate", "expected \(Load.rateRule.expectation), got \(problem)")
            }
            profile.load.runTime = load.effectiveRunTime
            profile.load.rate = .constant(rate)
            profile.load.search = nil
        }
        if let limit = overrides.limit {
            guard Load.limitRule.range.contains(limit) else {
                throw fail("--limit", "load.limit", "expected \(Load.limitRule.expectation), got \(limit)")
            }
            profile.load.limit = limit
        }
        if let duration = overrides.duration {
            if case .seconds(let seconds) = duration, !Load.holdRule.range.contains(seconds) {
                throw fail("--duration", "load.duration", "expected \(Load.holdRule.expectation), got \(seconds)")
            }
            profile.load.duration = duration
        }
        if let maxOffered = overrides.maxOffered {
            guard Load.maxOfferedRule.range.contains(maxOffered) else {
                throw fail("--max-offered", "load.max_offered", "expected \(Load.maxOfferedRule.expectation), got \(maxOffered)")
            }
            profile.load.maxOffered = maxOffered
        }
        if let runTime = overrides.runTime {
            if let problem = Load.runTimeRule.problem(runTime) {
                throw fail("--run-time", "load.run_time", "expected \(Load.runTimeRule.expectation), got \(problem)")
            }
            profile.load.runTime = runTime
        }
        if let remotes = overrides.slaves {
            guard !remotes.isEmpty else { throw fail("--slave", "slaves", "expected at least one HOST[:PORT]") }
            for remote in remotes {
                guard !remote.host.isEmpty, !remote.host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                    throw fail("--slave", "slaves", "expected a host name or address, got \"\(remote.host)\"")
                }
                guard (1...65535).contains(remote.port) else {
                    throw fail("--slave", "slaves", "expected a TCP port from 1 to 65535, got \(remote.port)")
                }
            }
            let labels = remotes.map(\.address)
            if let duplicate = labels.enumerated().first(where: { labels.firstIndex(of: $0.element) != $0.offset }) {
                throw fail("--slave", "slaves", "expected each server once, got \(duplicate.element) twice")
            }
            profile.slaves = remotes.map { Slave(kind: .remote($0), call: call, label: $0.address) }
        }
        if let directory = overrides.outputDirectory {
            guard !directory.isEmpty else { throw fail("--out", "report.dir", "expected a folder path, got an empty string") }
            profile.report.directory = directory
        }
        return profile
    }
}
