// Command testsummary reads `go test -json` output on stdin, prints each
// package result, the output of every failed test, and a closing line
// "N passed, N failed, N skipped". It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	var passed, failed, skipped int
	outputs := map[string]*strings.Builder{}
	var failedTests []string
	var buildFailures []string
	pkgFailed := map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Build errors are printed as plain text.
			buildFailures = append(buildFailures, string(line))
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := outputs[key]
			if b == nil {
				b = &strings.Builder{}
				outputs[key] = b
			}
			if b.Len() < 64<<10 {
				b.WriteString(e.Output)
			}
		case "pass":
			if e.Test != "" {
				passed++
			} else {
				fmt.Printf("ok   %s %.1fs\n", e.Package, e.Elapsed)
			}
		case "skip":
			if e.Test != "" {
				skipped++
			}
		case "fail":
			if e.Test != "" {
				failed++
				failedTests = append(failedTests, key)
			} else {
				pkgFailed[e.Package] = true
				fmt.Printf("FAIL %s %.1fs\n", e.Package, e.Elapsed)
			}
		}
	}
	sort.Strings(failedTests)
	for _, k := range failedTests {
		fmt.Printf("\n--- FAIL: %s\n%s", k, outputs[k])
	}
	for pkg := range pkgFailed {
		if b := outputs[pkg+" "]; b != nil && !hasFailedTest(failedTests, pkg) {
			fmt.Printf("\n--- FAIL (package): %s\n%s", pkg, b)
			failed++
		}
	}
	if len(buildFailures) > 0 {
		fmt.Println("\n--- build output:")
		for _, l := range buildFailures {
			fmt.Println(l)
		}
	}
	fmt.Printf("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || len(pkgFailed) > 0 {
		os.Exit(1)
	}
}

func hasFailedTest(tests []string, pkg string) bool {
	for _, t := range tests {
		if strings.HasPrefix(t, pkg+" ") {
			return true
		}
	}
	return false
}
