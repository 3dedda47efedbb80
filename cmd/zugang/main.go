// Package main is zugang, the gateway's composition root: it loads the
// configuration, opens the store (Redis, or an embedded in-process one),
// wires the use cases to the HTTP server and runs until SIGINT or SIGTERM.
//
//	zugang [serve] [-addr host:port] [-config file.yaml]
//	zugang version
//
// It is the only package that imports the implementations of several
// siblings (ARCHITECTURE.md, "Dependency rules, and why").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "zugang:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage:
  zugang [serve] [-addr host:port] [-config file.yaml]   serve the gateway (default)
  zugang keygen [-bits 3072] [-out dir]                   write a credentials key pair, print a seal key
  zugang encrypt (-key public.pem | -url URL) [-padding oaep-sha1] [field=value ...]
                                                          encrypt credentials as a client does
                                                          (fields from stdin when none are given)
  zugang version                                          print the version

Without configuration zugang serves on 127.0.0.1:8080 with an embedded,
non-persistent store and the demo tenant. Set REDIS_URL (or redis.url in the
configuration file) to use a real Redis. Without credentials.privateKeyFile
and credentials.sealKey it uses development keys; zugang keygen makes
production ones.
`

// run dispatches the subcommand; it returns when the command is done or ctx
// is cancelled.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, lookupEnv, stdout, stderr)
	case "keygen":
		return keygen(args, stdout, stderr)
	case "encrypt":
		return encrypt(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "zugang", version)
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// serve parses the serve flags, opens Main and runs it until ctx ends.
func serve(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	envConfig, _ := lookupEnv("ZUGANG_CONFIG")
	configPath := fs.String("config", envConfig, "YAML configuration file (env ZUGANG_CONFIG)")
	addr := fs.String("addr", "", "listen address host:port (env ZUGANG_ADDR; default 127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	env := lookupEnv
	if *addr != "" { // the flag beats the environment
		env = func(k string) (string, bool) {
			if k == "ZUGANG_ADDR" {
				return *addr, true
			}
			return lookupEnv(k)
		}
	}
	m, err := Open(ctx, *configPath, env, stderr)
	if err != nil {
		return err
	}
	m.PrintBanner(ctx, stdout)
	return m.Run(ctx)
}
