// Command cunzhan is the village service station program: with no command
// (or only --data FILE) it opens the window; with a command it runs that
// operation headless, for scripts and tests.
package main

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	cunzhan "github.com/cunzhan/cunzhan/app"
	"github.com/cunzhan/cunzhan/app/cli"
)

func main() {
	if w, ok := cli.WindowArgs(os.Args[1:]); ok {
		a := fyneapp.NewWithID("cn.cunzhan.station")
		if err := cunzhan.Run(a, w.Data, w.Screenshots); err != nil {
			os.Exit(1)
		}
		return
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
