extension Profile {
    /// A threshold that stops the run when it fails during it (k6's `abortOnFail`):
    /// written `{ rule: "asr < 0.9", abort: true, after: 5, window: 10 }` in `thresholds`,
    /// beside plain strings.
    ///
    /// From `after` seconds into the run, once a second, the rule is evaluated over the
    /// calls *sent* in the last `window` seconds that have ended (``AbortJudge``); the
    /// first time it fails the run stops offering, drains as on Ctrl-C, writes every
    /// report and exits 1. It is also an ordinary threshold of the whole run.
    public struct Abort: Sendable, Equatable {
        /// `rule`: the threshold, as written.
        public var rule: String
        /// `after`: seconds into the run before it is first evaluated. Default 0.
        public var after: Double
        /// `window`: seconds of sent calls it is evaluated over. Default 10.
        public var window: Double

        public init(rule: String, after: Double = 0, window: Double = 10) {
            self.rule = rule
            self.after = after
            self.window = window
        }

        static let keys = ["rule", "abort", "after", "window"]
    }

    /// `thresholds`: each item a rule string, or `{ rule, abort, after, window }`.
    static func thresholdList(_ field: ProfileReader.Field) throws(ProfileError) -> ([String], [Abort]) {
        var texts: [String] = []
        var aborts: [Abort] = []
        let items = try field.array("a list of threshold strings (or { rule, abort, after, window }), e.g. [\"asr > 0.95\"]")
        for item in items {
            guard case .object = item.node.value else {
                texts.append(try thresholdText(item, example: "answer_ms.p99 < 500"))
                continue
            }
            let object = try item.object("a threshold { rule, abort, after, window }", keys: Abort.keys)
            let text = try thresholdText(
                try object.required("rule", "the threshold, e.g. \"asr > 0.9\""), example: "answer_ms.p99 < 500")
            texts.append(text)
            let abort = try object.optional("abort")?.bool() ?? false
            let after = try object.optional("after")?.number(NumberRule.seconds("how long into the run before it is judged"))
            let window = try object.optional("window")?.number(
                NumberRule.seconds("how many seconds of sent calls it judges", exclusive: true))
            if abort {
                aborts.append(Abort(rule: text, after: after ?? 0, window: window ?? 10))
            } else if after != nil || window != nil {
                throw object.error(.conflict, "'after' and 'window' apply to a threshold with 'abort: true' only")
            }
        }
        return (texts, aborts)
    }
}

extension Profile {
    /// One item of `thresholds` as `summary.json`'s profile writes it: the rule's text,
    /// or `{ rule, abort, after, window }` for an aborting one.
    struct ThresholdItem: Encodable {
        var text: String
        var abort: Abort?

        func encode(to encoder: any Encoder) throws {
            guard let abort else {
                var container = encoder.singleValueContainer()
                try container.encode(text)
                return
            }
            var container = encoder.container(keyedBy: Profile.Key.self)
            try container.encode(text, forKey: "rule")
            try container.encode(true, forKey: "abort")
            try container.encode(abort.after, forKey: "after")
            try container.encode(abort.window, forKey: "window")
        }
    }
}
