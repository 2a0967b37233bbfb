public import Switchy

extension Profile {
    /// `call`: how each call is originated. A slave may override any field for itself
    /// (`slaves[i].call`); its ``Slave/call`` is the merged result.
    public struct Call: Sendable, Equatable {
        /// Where the call goes (`sofia/<profile>/…` or `sofia/gateway/<gateway>/…`).
        public enum Endpoint: Sendable, Equatable {
            /// `profile`: a sofia profile name. Default `external`.
            case profile(String)
            /// `gateway`: a sofia gateway name (then `dest` is the number to dial).
            case gateway(String)
        }

        /// One channel variable.
        public struct Variable: Sendable, Equatable {
            public var name: String
            public var value: String
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// `dest`: the SIP URI user part and host (`user@host[:port]`), or the number for
        /// a gateway. `{host}` is replaced by the slave's ESL host and `{sip}` by the
        /// SIP address of the slave's own sofia profile (`BIND-URL` of `sofia status
        /// profile <profile>`), so `"echo@{sip}"` makes each slave call itself. Required.
        public var dest: String
        /// `profile` or `gateway`. Default: `profile: "external"`.
        public var endpoint: Endpoint
        /// `proxy`: outbound proxy `host[:port]` (`;fs_path=sip:<proxy>`). Default: none.
        public var proxy: String?
        /// What the answered originating leg runs: `app: "name"` or `app: "name(args)"`
        /// (`&name(args)`), or `dp_exten` (+ `context`, default `default`) to transfer into
        /// the XML dialplan. Default: nil — each call-control app's own target (`&park()`
        /// for `park`, `&echo()` for `echo`, …).
        public var target: OriginateCommand.Target?
        /// `variables`: extra channel variables, in the order written. Values may be
        /// strings, numbers or booleans (sent as written). Default: none.
        public var variables: [Variable]
        /// `originate_timeout`: seconds to wait for an answer before giving up
        /// (`NO_ANSWER`), whole seconds. Default: 60 (FreeSWITCH's own default).
        public var originateTimeout: Int
        /// `ignore_early_media`: only a real answer (not 183 early media) completes the
        /// originate. Default: true.
        public var ignoreEarlyMedia: Bool
        /// `media`: what the originating leg plays once answered — `"none"` (it parks),
        /// `"tone"` or `"silence"` (``CallMedia``) — and so whether RTP is expected
        /// back. It takes the place of the default app's `&park()`; it cannot be given
        /// with `app` or `dp_exten`. Default: `"none"`.
        public var media: CallMedia

        public init(
            dest: String, endpoint: Endpoint = .profile("external"), proxy: String? = nil, target: OriginateCommand.Target? = nil,
            variables: [Variable] = [], originateTimeout: Int = 60, ignoreEarlyMedia: Bool = true, media: CallMedia = .none
        ) {
            self.media = media
            self.dest = dest
            self.endpoint = endpoint
            self.proxy = proxy
            self.target = target
            self.variables = variables
            self.originateTimeout = originateTimeout
            self.ignoreEarlyMedia = ignoreEarlyMedia
        }

        /// `dest` with its placeholders filled in for one slave.
        /// - Parameters:
        ///   - host: the slave's ESL host, for `{host}`.
        ///   - sip: the slave profile's SIP address (`host:port`), for `{sip}`.
        public func destination(host: String, sip: String) -> String {
            dest.replacing("{host}", with: host).replacing("{sip}", with: sip)
        }

        /// Whether `dest` needs the slave's SIP address, read at preflight.
        public var needsSIPAddress: Bool { dest.contains("{sip}") }

        static let keys = [
            "dest", "profile", "gateway", "proxy", "app", "dp_exten", "context", "variables", "originate_timeout",
            "ignore_early_media", "media",
        ]

        /// Variables that switchy sets itself on every originate.
        static let reserved = [
            "origination_uuid", "originate_timeout", "ignore_early_media", "switchy_run", "switchy_app",
            "execute_on_answer", "sip_h_X-switchy_run", "sip_h_X-switchy_orig", CallMedia.variable,
        ]

        /// Parses the profile-level `call`.
        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("an object with at least 'dest'", keys: Self.keys)
            let dest = try object.required("dest", "a destination such as \"echo@{sip}\" or \"1000@10.0.0.6\"")
            self.init(dest: try dest.string("a destination such as \"echo@{sip}\""))
            try apply(object, over: nil)
        }

        /// This call with a slave's `call` overrides applied.
        func overridden(by field: ProfileReader.Field, base: ProfileReader.Object?) throws(ProfileError) -> Call {
            let object = try field.object("an object of call fields to override for this slave", keys: Self.keys)
            var call = self
            if let dest = object.optional("dest") { call.dest = try dest.string("a destination such as \"echo@{sip}\"") }
            try call.apply(object, over: base)
            return call
        }

        /// Sets the fields present in `object`; `base` is the profile-level `call`, when
        /// `object` is a slave's override of it.
        private mutating func apply(_ object: ProfileReader.Object, over base: ProfileReader.Object?) throws(ProfileError) {
            if object.contains("profile") && object.contains("gateway") {
                throw object.error(.conflict, "give either 'profile' or 'gateway', not both")
            }
            if let field = object.optional("profile") {
                endpoint = .profile(try field.string("a sofia profile name such as \"external\""))
            }
            if let field = object.optional("gateway") { endpoint = .gateway(try field.string("a sofia gateway name")) }
            if let field = object.optional("proxy") { proxy = try field.string("an outbound proxy host[:port]") }

            if object.contains("app") && (object.contains("dp_exten") || object.contains("context")) {
                throw object.error(.conflict, "give either 'app' or 'dp_exten' (with 'context'), not both")
            }
            if let field = object.optional("app") {
                target = try Self.app(field)
            } else if let field = object.optional("dp_exten") {
                let context = try object.optional("context")?.string("a dialplan context such as \"default\"") ?? "default"
                target = .dialplan(extension: try field.string("a dialplan extension"), context: context)
            } else if let field = object.optional("context") {
                guard case .dialplan(let exten, _, _) = target else {
                    throw field.error(.conflict, "'context' needs 'dp_exten' (the extension to transfer to)")
                }
                target = .dialplan(extension: exten, context: try field.string("a dialplan context such as \"default\""))
            }

            if let field = object.optional("variables") {
                for (name, item) in try field.members("an object of channel variables, e.g. { sip_h_X-Test: \"1\" }") {
                    let value: String
                    switch item.node.value {
                    case .string(let text): value = text
                    case .number(let number, let text):
                        guard number.isFinite else { throw item.error(.invalidValue, "expected a finite number, \(item.got)") }
                        value = text
                    case .bool(let flag): value = flag ? "true" : "false"
                    default: throw item.error(.wrongType, "expected a string, number or boolean, \(item.got)")
                    }
                    if let clash = Self.reserved.first(where: { $0.lowercased() == name.lowercased() }) {
                        throw item.error(.invalidValue, "\(clash) is set by switchy itself; use the call or load fields")
                    }
                    if let index = variables.firstIndex(where: { $0.name == name }) {
                        variables[index].value = value
                    } else {
                        variables.append(Variable(name: name, value: value))
                    }
                }
            }
            if let field = object.optional("originate_timeout") {
                originateTimeout = try field.integer(IntegerRule("seconds to wait for an answer", 1...3600))
            }
            if let field = object.optional("ignore_early_media") { ignoreEarlyMedia = try field.bool() }
            if let field = object.optional("media") {
                let names = CallMedia.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                guard let media = CallMedia(rawValue: try field.string("one of \(names)")) else {
                    throw field.error(.invalidValue, "expected one of \(names), \(field.got)")
                }
                self.media = media
            }
            if media != .none, target != nil, let field = object.optional("media") ?? base?.optional("media") {
                throw field.error(
                    .conflict, "media \"\(media.rawValue)\" plays on the originating leg in place of 'app' or 'dp_exten': give one or the other")
            }
            try check(fields: object, base: base)
        }

        /// `"park"` or `"playback(/tmp/a.wav)"`.
        private static func app(_ field: ProfileReader.Field) throws(ProfileError) -> OriginateCommand.Target {
            let text = try field.string("a dialplan application such as \"park\" or \"playback(/tmp/hello.wav)\"")
            guard let open = text.firstIndex(of: "(") else { return .app(text) }
            guard text.hasSuffix(")") else {
                throw field.error(.invalidValue, "expected \"name(args)\" ending with ')', \(field.got)")
            }
            let args = text[text.index(after: open)..<text.index(before: text.endIndex)]
            return .app(String(text[..<open]), args: String(args))
        }

        /// Checks that an originate line can be built from this call (the same check the
        /// engine's ``OriginateCommand`` makes), naming the offending field.
        private func check(fields object: ProfileReader.Object, base: ProfileReader.Object?) throws(ProfileError) {
            var rest = Substring(dest)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let name = rest[rest.index(after: open)..<close]
                if name != "host" && name != "sip" {
                    let field = object.optional("dest") ?? base?.optional("dest")
                    throw (field ?? object.field).error(
                        .invalidValue, "unknown placeholder {\(name)} in dest; expected {host} or {sip}")
                }
                rest = rest[rest.index(after: close)...]
            }
            let endpoint: OriginateCommand.Endpoint
            let sample = destination(host: "192.0.2.1", sip: "192.0.2.1:5080")
            switch self.endpoint {
            case .profile(let name): endpoint = .profile(name, dest: sample)
            case .gateway(let name): endpoint = .gateway(name, number: sample)
            }
            do {
                _ = try OriginateCommand(
                    endpoint: endpoint, proxy: proxy, target: target ?? .app("park"), runID: "check", timeout: originateTimeout,
                    ignoreEarlyMedia: ignoreEarlyMedia, holdSeconds: 1,
                    variables: variables.map { ($0.name, $0.value) })
            } catch {
                let key: String
                switch error.field {
                case "dest", "profile", "gateway", "proxy", "context": key = error.field
                case "app", "app args": key = "app"
                case "extension": key = "dp_exten"
                default: key = error.field.hasPrefix("variable") ? "variables" : "call"
                }
                var field = object.optional(key) ?? base?.optional(key)
                if key == "variables" {
                    // "variable NAME" or "variable 'NAME'": point at that variable.
                    let name = String(error.field.dropFirst("variable ".count).filter { $0 != "'" })
                    for variables in [object.optional(key), base?.optional(key)] {
                        if let member = try? variables?.members("").first(where: { $0.key == name }) {
                            field = member.field
                            break
                        }
                    }
                }
                throw (field ?? object.field).error(.invalidValue, "cannot be put in an originate line: \(error.reason)")
            }
        }
    }
}
