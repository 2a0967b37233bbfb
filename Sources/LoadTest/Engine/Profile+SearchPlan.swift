extension Profile {
    /// `load.search` for the engine, nil without one.
    func searchPlan() throws(RunError) -> SearchPlan? {
        guard let search = load.search else { return nil }
        var rules: [Threshold] = []
        for text in search.until {
            do { rules.append(try Threshold(text)) } catch { throw .invalidPlan("load.search.until: \(error)") }
        }
        return SearchPlan(
            rates: search.rates, stepSeconds: search.stepTime, rules: rules,
            settle: search.effectiveSettle(holdSeconds: load.holdSeconds), maxLagMs: search.maxLagMs)
    }

    /// The aborting thresholds for the engine.
    func abortRules() throws(RunError) -> [AbortRule] {
        var rules: [AbortRule] = []
        for abort in aborts {
            do { rules.append(AbortRule(threshold: try Threshold(abort.rule), after: abort.after, window: abort.window)) } catch {
                throw .invalidPlan("thresholds: \(error)")
            }
        }
        return rules
    }
}
