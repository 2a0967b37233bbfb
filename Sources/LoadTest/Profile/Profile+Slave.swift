extension Profile {
    /// One entry of `slaves`: a FreeSWITCH reached over the Event Socket, or an
    /// embedded simulator started for the run.
    public struct Slave: Sendable, Equatable {
        /// What the slave is.
        public enum Kind: Sendable, Equatable {
            /// `{ host, port, password }`.
            case remote(Remote)
            /// `{ sim: { … } }`.
            case simulated(Simulator)
        }

        /// A real FreeSWITCH.
        public struct Remote: Sendable, Equatable {
            /// `host`: name or address of the Event Socket. Required.
            public var host: String
            /// `port`: Event Socket port. Default: 8021.
            public var port: Int
            /// `password`: a literal, `env:VAR` or `file:PATH` (relative to the profile's
            /// folder), resolved at load. Default: `$ESL_PASSWORD` if set, else
            /// FreeSWITCH's `ClueCon` (as `switchy api`).
            public var password: Secret

            public init(host: String, port: Int = 8021, password: Secret = .clueCon) {
                self.host = host
                self.port = port
                self.password = password
            }

            /// `host:port` (`[v6]:port` for an IPv6 address).
            public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        }

        /// `kind`: remote or simulated.
        public var kind: Kind
        /// `weight`: share of the calls relative to the other slaves when they have
        /// equal free capacity. Default: 1.
        public var weight: Int
        /// `limit`: most concurrent calls on this slave. Default: none (only `load.limit`).
        public var limit: Int?
        /// The effective `call` for this slave: the profile's, with this slave's
        /// `call` overrides applied.
        public var call: Call
        /// How reports name the slave: `host:port`, or `sim-N` (N counts embedded
        /// simulators from 1, in order).
        public var label: String

        public init(kind: Kind, weight: Int = 1, limit: Int? = nil, call: Call, label: String) {
            self.kind = kind
            self.weight = weight
            self.limit = limit
            self.call = call
            self.label = label
        }

        /// The slave as a remote one, or nil for a simulator.
        public var remote: Remote? {
            if case .remote(let remote) = kind { return remote }
            return nil
        }

        static let keys = ["host", "port", "password", "sim", "weight", "limit", "call"]

        /// Parses `slaves`.
        static func list(_ field: ProfileReader.Field, call: Call, baseCall: ProfileReader.Object?) throws(ProfileError)
            -> [Slave]
        {
            let items = try field.array("a list of slaves, e.g. [{ host: \"10.0.0.5\" }] or [{ sim: {} }]")
            guard !items.isEmpty else {
                throw field.error(.invalidValue, "expected at least one slave, got an empty list")
            }
            guard items.count <= 256 else { throw field.error(.invalidValue, "expected at most 256 slaves") }
            var slaves: [Slave] = []
            var simulators = 0
            for item in items {
                let slave = try Slave(item, call: call, baseCall: baseCall, simulatorNumber: simulators + 1)
                if case .simulated = slave.kind { simulators += 1 }
                if let first = slaves.firstIndex(where: { $0.label == slave.label }) {
                    throw item.error(
                        .invalidValue,
                        "expected each server once, got \(slave.label) again (it is slaves[\(first)]; use 'weight' for a bigger share)")
                }
                slaves.append(slave)
            }
            return slaves
        }

        private init(
            _ field: ProfileReader.Field, call: Call, baseCall: ProfileReader.Object?, simulatorNumber: Int
        ) throws(ProfileError) {
            let object = try field.object(
                "a slave: { host: \"10.0.0.5\", port: 8021, password: \"env:ESL_PASSWORD\" } or { sim: {} }",
                keys: Self.keys)
            if let sim = object.optional("sim") {
                for key in ["host", "port", "password"] where object.contains(key) {
                    throw object.error(.conflict, "a slave is either remote ('host', …) or simulated ('sim'), not both; remove '\(key)' or 'sim'")
                }
                kind = .simulated(try Simulator(sim))
                label = "sim-\(simulatorNumber)"
            } else {
                let hostField = try object.required("host", "the slave's Event Socket host, or 'sim' for a simulated slave")
                let host = try hostField.string("a host name or address")
                guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                    throw hostField.error(.invalidValue, "expected a host name or address, \(hostField.got)")
                }
                let port = try object.optional("port")?.integer(IntegerRule("a TCP port", 1...65535)) ?? 8021
                let password: Secret
                if let field = object.optional("password") {
                    password = try Secret.resolve(field)
                } else if let value = field.reader.environment["ESL_PASSWORD"] {
                    password = Secret(value, source: .environment("ESL_PASSWORD"))
                } else {
                    password = .clueCon
                }
                let remote = Remote(host: host, port: port, password: password)
                kind = .remote(remote)
                label = remote.address
            }
            weight = try object.optional("weight")?.integer(IntegerRule("a relative weight", 1...1000)) ?? 1
            limit = try object.optional("limit")?.integer(IntegerRule("most concurrent calls on this slave", 1...1_000_000))
            self.call = try object.optional("call").map { field throws(ProfileError) in
                try call.overridden(by: field, base: baseCall)
            } ?? call
        }
    }
}
