extension Profile {
    /// `report`: where the run's results go and in which formats.
    public struct Report: Sendable, Equatable {
        /// A report format.
        public enum Format: String, Sendable, Equatable, CaseIterable {
            /// `calls.csv` (one row per offered call) and `timeline.csv`.
            case csv
            /// `summary.json`.
            case json
            /// `report.html`, self-contained.
            case html
            /// `junit.xml`, one test case per threshold.
            case junit
        }

        /// `dir`: the folder under which each run writes `<UTC time>-<name>/`.
        /// Default: `results`.
        public var directory: String
        /// `formats`: which files to write. Default: all four.
        public var formats: [Format]

        public init(directory: String = "results", formats: [Format] = Format.allCases) {
            self.directory = directory
            self.formats = formats
        }

        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("an object { dir, formats }", keys: ["dir", "formats"])
            self.init()
            if let dir = object.optional("dir") { directory = try dir.string("a folder path such as \"results\"") }
            if let list = object.optional("formats") {
                let known = Format.allCases.map(\.rawValue).joined(separator: ", ")
                let items = try list.array("a list of formats from: \(known)")
                guard !items.isEmpty else { throw list.error(.invalidValue, "expected at least one of \(known), got an empty list") }
                formats = []
                for item in items {
                    let text = try item.string("one of \(known)")
                    guard let format = Format(rawValue: text.lowercased()) else {
                        throw item.error(.invalidValue, "expected one of \(known), \(item.got)")
                    }
                    guard !formats.contains(format) else { throw item.error(.invalidValue, "expected each format once, got \(text) twice") }
                    formats.append(format)
                }
            }
        }
    }

    /// `prepare`: limits set on every (remote) slave before the run, with `fsctl`. Only
    /// what is written here is changed; switchy never raises a limit by itself.
    public struct Prepare: Sendable, Equatable {
        /// `sps`: `fsctl sps N`, sessions per second. Default: leave as is.
        public var sps: Int?
        /// `max_sessions`: `fsctl max_sessions N`. Default: leave as is.
        public var maxSessions: Int?

        public init(sps: Int? = nil, maxSessions: Int? = nil) {
            self.sps = sps
            self.maxSessions = maxSessions
        }

        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("an object { sps, max_sessions }", keys: ["sps", "max_sessions"])
            sps = try object.optional("sps")?.integer(IntegerRule("sessions per second", 1...100_000))
            maxSessions = try object.optional("max_sessions")?.integer(IntegerRule("most concurrent sessions", 1...1_000_000))
        }
    }

    /// `preflight`: what to do when a slave's sessions-per-second or max-sessions
    /// (read before the first call) cannot carry its share of the profile.
    public enum Preflight: String, Sendable, Equatable {
        /// Print a warning and run anyway.
        case warn
        /// Refuse to run (exit 2). The default: a run that cannot fit measures the
        /// slave's limits, not the system under test.
        case refuse
    }
}
