import Foundation
import Glibc
import Testing
@testable import Metrics

/// Removing a release or a staging folder: everything inside goes, and
/// nothing outside does, whatever links the folder holds.
@Suite struct FileRemovalTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "sentinel-remove-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        try AtomicFile.makeDirectory(path)
        return path
    }

    @Test func aTreeGoesWholeButNotWhatItsLinksPointAt() throws {
        let root = try folder(), outside = try folder()
        defer { AtomicFile.removeTree(root); AtomicFile.removeTree(outside) }
        try AtomicFile.write(Array("keep".utf8), to: "\(outside)/kept.txt")
        let tree = "\(root)/release"
        try AtomicFile.makeDirectory("\(tree)/reports/daily/charts")
        for name in ["index.html", "reports/daily/a.html", "reports/daily/charts/a.svg"] {
            try AtomicFile.write(Array(name.utf8), to: "\(tree)/\(name)")
        }
        #expect(symlink(outside, "\(tree)/reports/to-outside") == 0)
        #expect(symlink("\(outside)/kept.txt", "\(tree)/file-link") == 0)
        #expect(link("\(outside)/kept.txt", "\(tree)/hard-link") == 0)
        #expect(AtomicFile.removeTree(tree))
        #expect(!FileManager.default.fileExists(atPath: tree))
        #expect((try AtomicFile.read("\(outside)/kept.txt")) == Array("keep".utf8))
        #expect(FileManager.default.fileExists(atPath: root))
    }

    @Test func aLinkOrAFileInPlaceOfTheFolderGoesAlone() throws {
        let root = try folder(), outside = try folder()
        defer { AtomicFile.removeTree(root); AtomicFile.removeTree(outside) }
        try AtomicFile.write(Array("x".utf8), to: "\(outside)/x")
        #expect(symlink(outside, "\(root)/link") == 0)
        #expect(AtomicFile.removeTree("\(root)/link"))
        #expect(FileManager.default.fileExists(atPath: "\(outside)/x"))
        try AtomicFile.write(Array("y".utf8), to: "\(root)/file")
        #expect(AtomicFile.removeTree("\(root)/file"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/file"))
        #expect(AtomicFile.removeTree("\(root)/missing"))
    }
}
