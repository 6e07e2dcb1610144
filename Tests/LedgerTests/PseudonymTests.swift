import Metrics
import Testing

@Suite struct PseudonymTests {
    @Test func aPseudonymIsTheFirstEightBytesOfTheHMACReadBigEndian() {
        // Python: int.from_bytes(hmac.new(key, id, sha256).digest()[:8], "big", signed=True)
        #expect(Pseudonymizer(key: Array(repeating: 0, count: 32)).pseudonym(Array("42".utf8)) == -7_580_109_738_973_055_222)
        #expect(Pseudonymizer(key: Array(0..<32)).pseudonym(Array("café".utf8)) == 642_315_594_849_335_299)
    }

    @Test func aNewKeyGivesOtherPseudonyms() {
        let key = Pseudonymizer.makeKey()
        #expect(key.count == 32 && key != Pseudonymizer.makeKey())
        #expect(Pseudonymizer(key: key).pseudonym(Array("42".utf8)) != Pseudonymizer(key: Array(repeating: 0, count: 32)).pseudonym(Array("42".utf8)))
    }
}
