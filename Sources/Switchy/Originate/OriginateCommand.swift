/// Builds `originate` command lines in FreeSWITCH's exact syntax (esl-protocol.md §6).
///
/// ```
/// originate {origination_uuid=U,originate_timeout=30,ignore_early_media=true,
///            switchy_run=R,switchy_app=A,sip_h_X-switchy_run=R,sip_h_X-switchy_orig=U,
///            execute_on_answer=sched_hangup:+N,<your variables>}
///           sofia/<profile>/<dest>[;fs_path=sip:<proxy>] &<app>(<args>)     (or <exten> XML <context>)
/// ```
///
/// Every call carries our own `origination_uuid` (so it is keyed by it, never by
/// arrival order) and the run and app ids as channel variables, plus the same as SIP
/// `X-` headers so the far leg of a loop-back call can be tracked too (ARCHITECTURE.md,
/// "Correlation"). Everything but the uuid is rendered once, at init: per call,
/// ``command(uuid:)`` only joins three cached pieces around the uuid.
///
/// Values are escaped for the two parsers they go through: the command-line splitter
/// (`\s` for a space, `\\` for a backslash, `\'` for a quote) and the dial-string
/// block parser (`\,` for a comma). A value that cannot be written at all (a line break,
/// or a brace that would end the block) is refused.
public struct OriginateCommand: Sendable, Equatable {
    /// Where the call goes.
    public enum Endpoint: Sendable, Equatable {
        /// `sofia/<profile>/<dest>`: `dest` is `user@host[:port]`.
        case profile(String, dest: String)
        /// `sofia/gateway/<gateway>/<number>`.
        case gateway(String, number: String)
    }

    /// What the answered leg does.
    public enum Target: Sendable, Equatable {
        /// `&<name>(<args>)`.
        case app(String, args: String = "")
        /// `<exten> <dialplan> <context>`: transfer into the dialplan.
        case dialplan(extension: String, dialplan: String = "XML", context: String = "default")
    }

    /// A value that cannot be put in an originate line.
    public struct InvalidValue: Error, Equatable, Sendable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { "originate \(field): \(reason)" }
    }

    // The cached pieces: head + uuid + middle [+ uuid + tail].
    private let head: String
    private let middle: String
    private let tail: String?

    /// - Parameters:
    ///   - endpoint: the dial string's endpoint.
    ///   - proxy: an outbound proxy (`host[:port]`), sent as `;fs_path=sip:<proxy>`.
    ///   - target: the app run on answer, or a dialplan extension.
    ///   - runID: `switchy_run` (also `sip_h_X-switchy_run`); must not be empty.
    ///   - appID: `switchy_app`, routing the call's events to an app.
    ///   - timeout: `originate_timeout` in whole seconds (FreeSWITCH counts wall-clock
    ///     seconds: the real wait is between N−1 and N s).
    ///   - ignoreEarlyMedia: `ignore_early_media=true` so `+OK` means answered.
    ///   - holdSeconds: hang up this long after answer, on the server
    ///     (`execute_on_answer=sched_hangup:+N`, cause `ALLOTTED_TIMEOUT`).
    ///   - xHeaders: also send the run and call ids as SIP `X-` headers.
    ///   - variables: more channel variables, in order.
    public init(
        endpoint: Endpoint, proxy: String? = nil, target: Target, runID: String, appID: String? = nil,
        timeout: Int? = nil, ignoreEarlyMedia: Bool = true, holdSeconds: Int? = nil, xHeaders: Bool = true,
        variables: [(name: String, value: String)] = []
    ) throws(InvalidValue) {
        guard !runID.isEmpty else { throw InvalidValue(field: "runID", reason: "must not be empty") }
        var before: [String] = []
        var after: [String] = []
        if let timeout {
            guard timeout > 0 else { throw InvalidValue(field: "timeout", reason: "must be at least 1 second") }
            before.append("originate_timeout=\(timeout)")
        }
        if ignoreEarlyMedia { before.append("ignore_early_media=true") }
        before.append("switchy_run=\(try Self.escape(runID, field: "runID"))")
        if let appID { before.append("switchy_app=\(try Self.escape(appID, field: "appID"))") }
        if xHeaders { before.append("sip_h_X-switchy_run=\(try Self.escape(runID, field: "runID"))") }
        if let holdSeconds {
            guard holdSeconds > 0 else { throw InvalidValue(field: "holdSeconds", reason: "must be at least 1 second") }
            after.append("execute_on_answer=sched_hangup:+\(holdSeconds)")
        }
        for (name, value) in variables {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
                throw InvalidValue(field: "variable '\(name)'", reason: "names are letters, digits, _ - and .")
            }
            after.append("\(name)=\(try Self.escape(value, field: "variable \(name)"))")
        }

        let dialString: String
        switch endpoint {
        case .profile(let profile, let dest):
            dialString = "sofia/\(try Self.token(profile, field: "profile"))/\(try Self.token(dest, field: "dest"))"
        case .gateway(let gateway, let number):
            dialString = "sofia/gateway/\(try Self.token(gateway, field: "gateway"))/\(try Self.token(number, field: "dest"))"
        }
        let route = proxy.map { ";fs_path=sip:\($0)" } ?? ""
        if let proxy { _ = try Self.token(proxy, field: "proxy") }
        let targetText: String
        switch target {
        case .app(let name, let args):
            guard !name.isEmpty, !name.contains(where: { $0 == "(" || $0 == ")" || $0.isWhitespace }) else {
                throw InvalidValue(field: "app", reason: "'\(name)' is not an application name")
            }
            guard !args.contains(")") else { throw InvalidValue(field: "app args", reason: "may not contain ')'") }
            targetText = "&\(name)(\(try Self.escape(args, field: "app args", inBlock: false)))"
        case .dialplan(let exten, let dialplan, let context):
            targetText = [
                try Self.token(exten, field: "extension"), try Self.token(dialplan, field: "dialplan"),
                try Self.token(context, field: "context"),
            ].joined(separator: " ")
        }

        let closing = "}" + dialString + route + " " + targetText
        let rest = after.isEmpty ? "" : "," + after.joined(separator: ",")
        head = "originate {origination_uuid="
        if xHeaders {
            middle = "," + before.joined(separator: ",") + ",sip_h_X-switchy_orig="
            tail = rest + closing
        } else {
            middle = "," + before.joined(separator: ",") + rest + closing
            tail = nil
        }
    }

    /// The command line (after `bgapi `) for the call whose uuid is `uuid`.
    public func command(uuid: String) -> String {
        guard let tail else { return head + uuid + middle }
        return head + uuid + middle + uuid + tail
    }

    // MARK: Escaping

    /// Escapes a `{}` variable value (or, with `inBlock: false`, an app argument).
    static func escape(_ value: String, field: String, inBlock: Bool = true) throws(InvalidValue) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\n", "\r", "\r\n": throw InvalidValue(field: field, reason: "may not contain a line break")
            case "{" where inBlock, "}" where inBlock: throw InvalidValue(field: field, reason: "may not contain { or }")
            case " ": out += "\\s"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "," where inBlock: out += "\\,"
            default: out.append(character)
            }
        }
        return out
    }

    /// Checks a bare token (profile, dest, extension …): no spaces, quotes or braces.
    static func token(_ value: String, field: String) throws(InvalidValue) -> String {
        guard !value.isEmpty else { throw InvalidValue(field: field, reason: "must not be empty") }
        if let bad = value.first(where: { $0.isWhitespace || "'\"{}\\".contains($0) }) {
            throw InvalidValue(field: field, reason: "'\(value)' may not contain \(bad == " " ? "a space" : "'\(bad)'")")
        }
        return value
    }
}
