import Foundation
import Glibc
import Testing
@testable import Templates

/// A release's folders reached by descriptor: the listings that spare a
/// `fstatat` a file, and the sweep of a recycled release after them.
@Suite struct FolderHandlesTests {
    /// A fresh folder with `files` (paths inside it), removed by the caller.
    static func tree(_ files: [String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-folders-\(UUID().uuidString)").path
        for path in files {
            let full = "\(root)/\(path)"
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(path.utf8).write(to: URL(fileURLWithPath: full))
        }
        return root
    }

    @Test func aListingKnowsWhichFilesAreOneInode() throws {
        let root = try Self.tree(["a/one.html", "a/two.html", "b/one.html"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(link("\(root)/a/one.html", "\(root)/b/linked.html") == 0)
        #expect(symlink("one.html", "\(root)/a/pointer.html") == 0)
        let handles = FolderHandles(root: root)
        #expect(handles.listedInode("one.html", in: "a") != nil)
        #expect(handles.listedInode("one.html", in: "a") == handles.listedInode("linked.html", in: "b"))
        #expect(handles.listedInode("one.html", in: "a") != handles.listedInode("two.html", in: "a"))
        // Only regular files: a link is left to the `fstatat` that does not follow it.
        #expect(handles.listedInode("pointer.html", in: "a") == nil)
        #expect(handles.listedInode("missing.html", in: "a") == nil)
        #expect(handles.listedInode("one.html", in: "no-such-folder") == nil)

        let other = try Self.tree(["a/one.html"])
        defer { try? FileManager.default.removeItem(atPath: other) }
        #expect(!FolderHandles(root: other).listsSameFile("one.html", in: "a", as: handles))
    }

    @Test func aFolderListedBeforeIsStillSweptWhole() throws {
        // The listing and the sweep read the folder through duplicates of
        // one descriptor, which share its offset.
        let root = try Self.tree(["keep.html", "reports/a.html", "reports/stray.html", "reports/old/x.txt"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let handles = FolderHandles(root: root)
        _ = handles.listedInode("a.html", in: "reports")
        _ = handles.listedInode("keep.html", in: "")
        #expect(handles.sweep(keeping: { $0 == "keep.html" || $0 == "reports/a.html" }))
        let left = FileManager.default.enumerator(atPath: root)!.allObjects.map { $0 as! String }.sorted()
        #expect(left == ["keep.html", "reports", "reports/a.html"])
    }

    @Test func sizesAreFoundByNameInTheirFolder() throws {
        let root = try Self.tree(["reports/daily/2026-01-01.html", "index.html"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sizes = FolderSizes(root: root)
        #expect(sizes.size(of: "reports/daily/2026-01-01.html") == "reports/daily/2026-01-01.html".utf8.count)
        #expect(sizes.size(of: "index.html") == 10)
        #expect(sizes.size(of: "reports/daily") == nil)
        #expect(sizes.size(of: "reports/weekly/2026-W01.html") == nil)
    }
}
