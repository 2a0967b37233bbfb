import Switchy
import Testing

@testable import LoadTest

/// Each `apps` entry makes the built-in app it names, with its args.
struct CallAppTests {
    static func apps(_ list: String) throws -> [Profile.App] {
        try ProfileFixtures.parse(ProfileFixtures.text(extra: "apps: \(list)")).apps
    }

    @Test func everyNameMakesItsApp() throws {
        let names = Profile.App.Name.allCases.map { "{ name: '\($0.rawValue)'\($0 == .playRec ? ", args: { file: '/a.wav' }" : "") }" }
        let apps = try Self.apps("[\(names.joined(separator: ", "))]").map { $0.makeCallApp() }
        #expect(apps[0] is Park)
        #expect(apps[1] is Echo)
        #expect(apps[2] is TonePlay)
        #expect(apps[3] is PlayRec)
        #expect(apps[4] is DtmfChecker)
        #expect(apps[5] is CalleeBlockOnInvite)
        #expect(apps[6] is CalleeRingback)
        #expect(apps.count == Profile.App.Name.allCases.count)
    }

    @Test func argsReachTheApp() throws {
        let apps = try Self.apps(
            """
            [{ name: 'play_rec', args: { file: '/x.wav', record_dir: '/rec', period: 2.5 } },
             { name: 'tone_play', args: { tone: 'tone_stream://%(100,0,440)' } },
             { name: 'dtmf_checker', args: { digits: '42#' } },
             { name: 'callee_block_on_invite', args: { cause: 'CALL_REJECTED' } }]
            """
        ).map { $0.makeCallApp() }
        let playRec = try #require(apps[0] as? PlayRec)
        #expect(playRec.file == "/x.wav" && playRec.recordDirectory == "/rec" && playRec.period == .milliseconds(2500))
        #expect((apps[1] as? TonePlay)?.tone == "tone_stream://%(100,0,440)")
        #expect((apps[2] as? DtmfChecker)?.digits == "42#")
        #expect((apps[3] as? CalleeBlockOnInvite)?.cause == "CALL_REJECTED")
    }
}
