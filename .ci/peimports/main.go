// Command peimports checks that Windows executables import only DLLs that
// every Windows 10 installation has, so that an .exe runs when it is copied
// alone to a station PC.
//
//	go run ./.ci/peimports FILE.exe...
//
// For each file it prints the DLLs named in its import table and its
// delay-load import table, marking each as allowed or refused, and exits
// with status 1 if a file imports a DLL outside the allowlist (a MinGW
// runtime such as libssp-0.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll,
// say) or cannot be read as a PE file.
//
// The import tables are read with debug/pe and parsed here:
// (*pe.File).ImportedLibraries is a stub that returns nothing for PE files,
// and ImportedSymbols skips DLLs imported only by ordinal.
package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// systemDLLs is the allowlist, in lower case: DLLs in System32 of every
// Windows 10 (and later) installation. It holds what the station and county
// executables import today and a few neighbours that a newer Go, Fyne or
// GLFW could plausibly add. Before adding a name, make sure Windows 10
// ships it; a redistributable (vcruntime140.dll, msvcp140.dll, d3dx9_*.dll)
// or a MinGW runtime (lib*.dll) must never go here.
var systemDLLs = map[string]bool{
	// C runtimes that are part of Windows: msvcrt.dll is what MinGW's
	// default target links against; ucrtbase.dll is the Universal C
	// Runtime, part of Windows 10 (api-ms-win-crt-* forward to it).
	"msvcrt.dll":   true,
	"ucrtbase.dll": true,

	// Kernel and the Go runtime and standard library.
	"kernel32.dll":         true,
	"kernelbase.dll":       true,
	"ntdll.dll":            true,
	"advapi32.dll":         true,
	"bcrypt.dll":           true,
	"bcryptprimitives.dll": true,
	"crypt32.dll":          true,
	"ncrypt.dll":           true,
	"secur32.dll":          true,
	"userenv.dll":          true,
	"ws2_32.dll":           true,
	"mswsock.dll":          true,
	"iphlpapi.dll":         true,
	"dnsapi.dll":           true,
	"netapi32.dll":         true,
	"winmm.dll":            true,
	"powrprof.dll":         true,
	"psapi.dll":            true,
	"version.dll":          true,
	"dbghelp.dll":          true,
	"rpcrt4.dll":           true,

	// The window: GLFW, Fyne's driver, the tray icon, file dialogs.
	"user32.dll":   true,
	"gdi32.dll":    true,
	"opengl32.dll": true,
	"imm32.dll":    true,
	"dwmapi.dll":   true,
	"uxtheme.dll":  true,
	"shcore.dll":   true,
	"shell32.dll":  true,
	"shlwapi.dll":  true,
	"ole32.dll":    true,
	"oleaut32.dll": true,
	"comctl32.dll": true,
	"comdlg32.dll": true,
	"winspool.drv": true,
	"hid.dll":      true,
	"setupapi.dll": true,
	"cfgmgr32.dll": true,
}

// allowed reports whether the DLL named name (as the import table spells
// it) is part of Windows 10, and if not, why not. Case does not matter:
// Windows file names are case-insensitive, and linkers spell the same DLL
// as KERNEL32.dll or kernel32.dll.
func allowed(name string) (ok bool, why string) {
	if name == "" || strings.TrimSpace(name) != name {
		return false, "not a plausible DLL name"
	}
	n := strings.ToLower(name)
	// API sets are resolved by the Windows 10 loader itself; the
	// api-ms-win-crt-* ones forward to ucrtbase.dll.
	if strings.HasPrefix(n, "api-ms-win-") || strings.HasPrefix(n, "ext-ms-win-") {
		if strings.HasSuffix(n, ".dll") {
			return true, ""
		}
		return false, "an API set name that does not end in .dll"
	}
	if systemDLLs[n] {
		return true, ""
	}
	for _, p := range []string{"libssp", "libgcc", "libwinpthread", "libstdc++", "libgomp", "libatomic", "libquadmath"} {
		if strings.HasPrefix(n, p) {
			return false, "a MinGW runtime library, which Windows does not have: link it statically"
		}
	}
	for _, p := range []string{"vcruntime", "msvcp", "concrt", "vcomp"} {
		if strings.HasPrefix(n, p) {
			return false, "part of the Visual C++ redistributable, not of Windows"
		}
	}
	return false, "not in the allowlist of DLLs that Windows 10 ships (.ci/peimports/main.go)"
}

// Data directory indices (winnt.h).
const (
	dirImport      = 1  // IMAGE_DIRECTORY_ENTRY_IMPORT
	dirDelayImport = 13 // IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT
)

// imports returns the DLLs named in the import and delay-load import tables
// of the PE file at path, sorted case-insensitively and without repeats.
func imports(path string) ([]string, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return importedDLLs(f)
}

func importedDLLs(f *pe.File) ([]string, error) {
	var dirs []pe.DataDirectory
	var imageBase uint64
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		dirs, imageBase = oh.DataDirectory[:oh.NumberOfRvaAndSizes], uint64(oh.ImageBase)
	case *pe.OptionalHeader64:
		dirs, imageBase = oh.DataDirectory[:oh.NumberOfRvaAndSizes], oh.ImageBase
	default:
		return nil, errors.New("no optional header: an object file, not an executable")
	}

	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if k := strings.ToLower(name); !seen[k] {
			seen[k] = true
			out = append(out, name)
		}
	}

	// IMAGE_IMPORT_DESCRIPTOR: 20 bytes, the DLL name's RVA at offset 12;
	// the table ends with an all-zero descriptor.
	if len(dirs) > dirImport && dirs[dirImport].VirtualAddress != 0 {
		d, err := at(f, dirs[dirImport].VirtualAddress)
		if err != nil {
			return nil, fmt.Errorf("import table: %w", err)
		}
		for ; ; d = d[20:] {
			if len(d) < 20 {
				return nil, errors.New("import table: runs past the end of its section")
			}
			if isZero(d[:20]) {
				break
			}
			name, err := cstring(f, binary.LittleEndian.Uint32(d[12:]))
			if err != nil {
				return nil, fmt.Errorf("import table: %w", err)
			}
			add(name)
		}
	}

	// IMAGE_DELAYLOAD_DESCRIPTOR: 32 bytes, attributes at 0 and the DLL
	// name at 4, an RVA if attribute bit 0 is set and a VA in the old
	// format; ends with an all-zero descriptor. A delay-loaded DLL that is
	// missing fails at the first call instead of at start-up, which is no
	// better at a station.
	if len(dirs) > dirDelayImport && dirs[dirDelayImport].VirtualAddress != 0 {
		d, err := at(f, dirs[dirDelayImport].VirtualAddress)
		if err != nil {
			return nil, fmt.Errorf("delay-load import table: %w", err)
		}
		for ; ; d = d[32:] {
			if len(d) < 32 {
				return nil, errors.New("delay-load import table: runs past the end of its section")
			}
			if isZero(d[:32]) {
				break
			}
			rva := uint64(binary.LittleEndian.Uint32(d[4:]))
			if binary.LittleEndian.Uint32(d[0:])&1 == 0 {
				rva -= imageBase
			}
			name, err := cstring(f, uint32(rva))
			if err != nil {
				return nil, fmt.Errorf("delay-load import table: %w", err)
			}
			add(name)
		}
	}

	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out, nil
}

// at returns the contents of the file from the relative virtual address rva
// to the end of the section holding it.
func at(f *pe.File, rva uint32) ([]byte, error) {
	for _, s := range f.Sections {
		size := s.VirtualSize // what the loader maps
		if size == 0 {
			size = s.Size
		}
		if rva < s.VirtualAddress || rva-s.VirtualAddress >= size {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("section %s: %w", s.Name, err)
		}
		off := rva - s.VirtualAddress
		if off >= uint32(len(data)) {
			return nil, fmt.Errorf("address %#x lies in the uninitialised part of section %s", rva, s.Name)
		}
		return data[off:], nil
	}
	return nil, fmt.Errorf("address %#x lies in no section", rva)
}

// cstring returns the NUL-terminated string at rva.
func cstring(f *pe.File, rva uint32) (string, error) {
	d, err := at(f, rva)
	if err != nil {
		return "", err
	}
	for i, b := range d {
		if b == 0 {
			return string(d[:i]), nil
		}
	}
	return "", fmt.Errorf("string at %#x is not terminated", rva)
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// check writes the imports of each file to w and returns how many files
// import a DLL outside the allowlist or cannot be read.
func check(w io.Writer, files []string) (bad int) {
	for _, path := range files {
		libs, err := imports(path)
		if err != nil {
			fmt.Fprintf(w, "%s: FAIL: cannot read its import table: %v\n", path, err)
			bad++
			continue
		}
		if len(libs) == 0 {
			// Every Windows executable imports at least kernel32.dll;
			// none found means the parser missed something.
			fmt.Fprintf(w, "%s: FAIL: no imported DLLs found, which no Windows program can do without\n", path)
			bad++
			continue
		}
		var refused []string
		fmt.Fprintf(w, "%s imports:\n", path)
		for _, l := range libs {
			if ok, why := allowed(l); ok {
				fmt.Fprintf(w, "  ok       %s\n", l)
			} else {
				fmt.Fprintf(w, "  REFUSED  %s: %s\n", l, why)
				refused = append(refused, l)
			}
		}
		if len(refused) > 0 {
			fmt.Fprintf(w, "%s: FAIL: needs %s, which a Windows 10 PC does not have, "+
				"so the .exe copied alone to a station would not start\n",
				path, strings.Join(refused, ", "))
			bad++
		} else {
			fmt.Fprintf(w, "%s: ok, only DLLs that Windows 10 ships\n", path)
		}
	}
	return bad
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./.ci/peimports FILE.exe...")
		os.Exit(2)
	}
	if bad := check(os.Stdout, os.Args[1:]); bad > 0 {
		fmt.Fprintf(os.Stderr, "peimports: %d of %d executables fail the check\n", bad, len(os.Args)-1)
		os.Exit(1)
	}
}
