extension Profile {
    /// One entry of `apps`: a call-control app and its share of the calls, as the
    /// original Switchy's `load_app(weight=)`. Each call is given to one app, chosen
    /// by weight.
    public struct App: Sendable, Equatable, Encodable {
        /// The built-in apps (module `Switchy`, `Apps/BuiltIn`).
        public enum Name: String, Sendable, Equatable, CaseIterable, Encodable {
            /// `Park`: the answered leg parks until hung up. No args.
            case park
            /// `Echo`: the answered leg echoes media. No args.
            case echo
            /// `TonePlay`: plays a tone. Args: `tone` (a `tone_stream://` string).
            case tonePlay = "tone_play"
            /// `PlayRec`: plays a file and records the other leg. Args: `file`
            /// (required), `record_dir` (default `/tmp`), `period` (s, default 10).
            case playRec = "play_rec"
            /// `DtmfChecker`: sends DTMF and checks it comes back. Args: `digits`
            /// (default `1234`).
            case dtmfChecker = "dtmf_checker"
            /// `CalleeBlockOnInvite`: the callee rejects the call. Args: `cause`
            /// (default `USER_BUSY`).
            case calleeBlockOnInvite = "callee_block_on_invite"
            /// `CalleeRingback`: the callee rings and never answers. No args.
            case calleeRingback = "callee_ringback"

            /// The args each app accepts, and whether each is required.
            var arguments: [(name: String, required: Bool)] {
                switch self {
                case .park, .echo, .calleeRingback: []
                case .tonePlay: [("tone", false)]
                case .playRec: [("file", true), ("record_dir", false), ("period", false)]
                case .dtmfChecker: [("digits", false)]
                case .calleeBlockOnInvite: [("cause", false)]
                }
            }
        }

        /// `name`: which app. Required.
        public var name: Name
        /// `weight`: relative share of the calls. Default: 1.
        public var weight: Int
        /// `args`: the app's settings (see ``Name``), checked by name and type; the
        /// engine passes them to the app's initializer. Default: none.
        public var args: [String: Value]

        public init(name: Name, weight: Int = 1, args: [String: Value] = [:]) {
            self.name = name
            self.weight = weight
            self.args = args
        }

        /// The share of calls this app gets in `apps` (0…1).
        public func share(in apps: [App]) -> Double {
            let total = apps.reduce(0) { $0 + $1.weight }
            return total > 0 ? Double(weight) / Double(total) : 0
        }

        static func list(_ field: ProfileReader.Field) throws(ProfileError) -> [App] {
            let items = try field.array("a list of apps, e.g. [{ name: \"park\", weight: 3 }, { name: \"echo\" }]")
            guard !items.isEmpty else {
                throw field.error(.invalidValue, "expected at least one app (or leave 'apps' out for park), got an empty list")
            }
            var apps: [App] = []
            for item in items { apps.append(try App(item)) }
            return apps
        }

        private init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("an app { name, weight, args }", keys: ["name", "weight", "args"])
            let known = Name.allCases.map(\.rawValue)
            let nameField = try object.required("name", "one of \(known.joined(separator: ", "))")
            let text = try nameField.string("an app name")
            guard let name = Name(rawValue: text) else {
                var message = "unknown app \"\(text)\""
                if let suggestion = Suggestion.closest(to: text, in: known) { message += "; did you mean \"\(suggestion)\"?" }
                throw nameField.error(.invalidValue, message + " (expected one of \(known.joined(separator: ", ")))")
            }
            self.name = name
            weight = try object.optional("weight")?.integer(IntegerRule("a relative weight", 1...1_000_000)) ?? 1
            args = [:]
            let allowed = name.arguments
            if let argsField = object.optional("args") {
                let members = try argsField.members("an object of \(text)'s settings")
                for (key, item) in members {
                    guard allowed.contains(where: { $0.name == key }) else {
                        var message = "unknown arg '\(key)' for \(text)"
                        if let suggestion = Suggestion.closest(to: key, in: allowed.map(\.name)) {
                            message += "; did you mean '\(suggestion)'?"
                        } else {
                            message += allowed.isEmpty ? " (it takes none)" : " (expected \(allowed.map(\.name).joined(separator: ", ")))"
                        }
                        throw item.error(.unknownField, message)
                    }
                    args[key] = try Self.argument(key, item)
                }
            }
            for argument in allowed where argument.required && args[argument.name] == nil {
                throw object.error(
                    .missingField, path: ProfileReader.Object.join(field.path, "args.\(argument.name)"),
                    "missing; \(text) needs '\(argument.name)'")
            }
        }

        private static func argument(_ key: String, _ item: ProfileReader.Field) throws(ProfileError) -> Value {
            switch key {
            case "period":
                return .number(try item.number(NumberRule.seconds("seconds between plays", exclusive: true)))
            case "digits":
                let digits = try item.string("DTMF digits (0-9, *, #, A-D)")
                guard digits.allSatisfy({ "0123456789*#ABCDabcd".contains($0) }) else {
                    throw item.error(.invalidValue, "expected DTMF digits (0-9, *, #, A-D), \(item.got)")
                }
                return .string(digits)
            case "cause":
                let cause = try item.string("a hangup cause such as \"USER_BUSY\"")
                guard cause.allSatisfy({ ($0.isUppercase && $0.isASCII) || $0 == "_" }) else {
                    throw item.error(.invalidValue, "expected a hangup cause name such as \"USER_BUSY\", \(item.got)")
                }
                return .string(cause)
            default:
                return .string(try item.string("a non-empty string"))
            }
        }
    }
}
