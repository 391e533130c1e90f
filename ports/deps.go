package ports

import (
	"errors"
	"slices"
	"strings"
)

// RequireDeps is the check every use-case service's New makes: present
// maps each required dependency's name to whether it is set; the error
// names the missing ones, sorted ("<service>: missing dependencies: A, B").
func RequireDeps(service string, present map[string]bool) error {
	var missing []string
	for name, ok := range present {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return errors.New(service + ": missing dependencies: " + strings.Join(missing, ", "))
}
