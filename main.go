// Command cunzhan is the village service station program: with no command
// it opens the window; with a command it runs that operation headless.
package main

import (
	"os"

	"github.com/cunzhan/cunzhan/app/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
