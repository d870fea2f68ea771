// Package integrationmode is the shared integration-mode helper for Go suites: the only code
// that reads INTEGRATION_MODE. repo (default) and local run on deterministic mocks; cluster
// requires the live dependencies and fails fast when one is missing.
package integrationmode

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Mode is one of Repo, Local or Cluster.
type Mode string

const (
	Repo    Mode = "repo"
	Local   Mode = "local"
	Cluster Mode = "cluster"
)

const envFile = ".env.integration"

// Parse reads INTEGRATION_MODE: unset means Repo; an unknown value is an error.
func Parse() (Mode, error) {
	raw := strings.TrimSpace(os.Getenv("INTEGRATION_MODE"))
	switch raw {
	case "":
		return Repo, nil
	case "repo", "local", "cluster":
		return Mode(raw), nil
	}
	return "", fmt.Errorf("INTEGRATION_MODE must be repo, local or cluster; got %q", raw)
}

// MustParse is Parse for TestMain and init code: it panics on an invalid value.
func MustParse() Mode {
	mode, err := Parse()
	if err != nil {
		panic(err)
	}
	return mode
}

// RequireEnv returns the live value of name in cluster mode (failing the test when it is
// missing) and the deterministic default from .env.integration in repo and local mode.
func RequireEnv(tb testing.TB, name string) string {
	tb.Helper()
	mode, err := Parse()
	if err != nil {
		tb.Fatal(err)
	}
	if mode == Cluster {
		value, ok := os.LookupEnv(name)
		if !ok || value == "" {
			tb.Fatalf("%s is required in cluster mode", name)
		}
		return value
	}
	value, ok := mockDefaults()[name]
	if !ok {
		tb.Fatalf("%s has no repo-mode default in %s", name, envFile)
	}
	return value
}

func mockDefaults() map[string]string {
	values := map[string]string{}
	path := findUp(envFile)
	if path == "" {
		return values
	}
	file, err := os.Open(path)
	if err != nil {
		return values
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		key, value, found := strings.Cut(line, "=")
		if !found || strings.HasPrefix(line, "#") {
			continue
		}
		values[strings.TrimSpace(key)] = strings.TrimSpace(value)
	}
	return values
}

func findUp(name string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		candidate := filepath.Join(dir, name)
		if _, err := os.Stat(candidate); err == nil {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
