import CSupport
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

    @Test func twoTreesListOneFileOnlyWhereListingsStandForStat() throws {
        let live = try Self.tree(["reports/a.html", "reports/b.html"])
        defer { try? FileManager.default.removeItem(atPath: live) }
        let old = try Self.tree(["reports/b.html"])
        defer { try? FileManager.default.removeItem(atPath: old) }
        #expect(link("\(live)/reports/a.html", "\(old)/reports/a.html") == 0)
        let liveHandles = FolderHandles(root: live), oldHandles = FolderHandles(root: old)
        let fd = open(live, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        // ext2/3/4, tmpfs, XFS, Btrfs; elsewhere every check is a `fstatat`.
        let listable = [0xEF53, 0x0102_1994, 0x5846_5342, 0x9123_683E].contains(sentinel_file_system_type(fd))
        #expect(oldHandles.listsSameFile("a.html", in: "reports", as: liveHandles) == listable)
        #expect(!oldHandles.listsSameFile("b.html", in: "reports", as: liveHandles))
    }

    @Test func aNameChangedInTheTreeIsNoLongerListed() throws {
        let root = try Self.tree(["x", "d/sub/old.html"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let handles = FolderHandles(root: root)
        #expect(handles.listedInode("x", in: "") != nil)
        // A file where a folder belongs is replaced by the folder.
        let folder = try #require(try handles.descriptor("x", create: true))
        #expect(handles.listedInode("x", in: "") == nil)
        #expect(FolderHandles.size("x", in: folder) == nil)
        // A folder removed takes its subfolders' descriptors along: made
        // again, they are the new folders, not the removed ones.
        let root0 = try #require(try handles.descriptor(""))
        _ = try handles.descriptor("d/sub")
        #expect(handles.listedInode("old.html", in: "d/sub") != nil)
        #expect(handles.remove("d", in: root0, folder: ""))
        let sub = try #require(try handles.descriptor("d/sub", create: true))
        #expect(handles.listedInode("old.html", in: "d/sub") == nil)
        #expect(mkdirat(sub, "made", 0o755) == 0)
        #expect(FileManager.default.fileExists(atPath: "\(root)/d/sub/made"))
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
