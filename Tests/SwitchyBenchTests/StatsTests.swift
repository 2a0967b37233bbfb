import Testing

@testable import switchy_bench

@Suite struct StatsTests {
    @Test(arguments: [
        // one sample: it is min, median and max
        ([5.0], 5.0, 5.0, 5.0),
        // odd count, unsorted: the middle one
        ([3.0, 1.0, 2.0], 1.0, 2.0, 3.0),
        // even count: the mean of the two middle ones
        ([4.0, 1.0, 3.0, 2.0], 1.0, 2.5, 4.0),
    ])
    func minMedianMax(samples: [Double], min: Double, median: Double, max: Double) {
        let stats = Stats(samples)
        #expect(stats.min == min)
        #expect(stats.median == median)
        #expect(stats.max == max)
    }

    @Test func jsonHasExactlyTheIssueKeysInOrder() {
        let figures = Report.keys.enumerated().map { index, key in
            Figure(key: key, unit: "", stats: Stats([Double(index), Double(index) + 0.5]), goal: nil)
        }
        let json = Report.json(figures)
        #expect(
            json
                == "{\"decode_events_per_s\": 0.25, \"scan_events_per_s\": 1.25, \"decode_vs_scan\": 2.25, "
                + "\"socket_events_per_s\": 3.25, \"scheduler_lag_p99_ms\": 4.25, \"rate_error_pct\": 5.25, "
                + "\"e2e_max_cps\": 6.25, \"bytes_per_active_call\": 7.25, \"socket_vs_raw\": 8.25, "
                + "\"hold_median_dev_ms\": 9.25, \"hold_p99_dev_ms\": 10.25, \"server_hold_median_dev_ms\": 11.25, "
                + "\"server_hold_p99_dev_ms\": 12.25, \"sendpath_lag_p99_ms\": 13.25, \"sendpath_achieved_pct\": 14.25, "
                + "\"sendpath_send_queue_p99_ms\": 15.25, \"e2e_cpu_us_per_call\": 16.25, "
                + "\"bytes_per_active_call_unreserved\": 17.25, \"scheduler_lag_p99_hog_ms\": 18.25, "
                + "\"rate_error_hog_pct\": 19.25, \"scheduler_lag_p99_nice_ms\": 20.25, "
                + "\"scheduler_lag_p99_hog_nice_ms\": 21.25}")
    }

    @Test(arguments: [
        // integers print without a fraction
        (300_000.0, "300000"),
        // fractions keep up to four decimals, trailing zeros dropped
        (0.123456, "0.1235"),
        (1.5, "1.5"),
    ])
    func jsonNumbers(value: Double, text: String) {
        #expect(Format.json(value) == text)
    }

    @Test func optionsParse() throws {
        let options = try BenchOptions.parse(["--quick", "--json", "--only", "e2e"])
        #expect(options.quick && options.json)
        #expect(options.runs(.e2e) && !options.runs(.decode))
        #expect(throws: BenchOptions.UsageError.self) { try BenchOptions.parse(["--fast"]) }
    }
}
