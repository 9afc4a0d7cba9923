#!/usr/bin/perl
# tests/geo/mkmmdb.pl - build a MaxMind database for the tests with MaxMind's own writer.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: mkmmdb.pl [--ipv4] DATABASE-TYPE SPEC.json OUT.mmdb
#
# SPEC.json maps networks to records: {"127.0.0.1/32": {"country": {"iso_code": "DE"}}, ...}.
# Every key a record may use has its MaxMind type below; an unknown key is an error, so that a
# test database has exactly the layout it means to have. The database is IPv6 (IPv4 networks
# are reached through ::/96 and the usual aliases) unless --ipv4 is given. Reserved networks
# (loopback, documentation) are kept: the tests use nothing else.
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my %type = (
	# GeoIP2/GeoLite2 City and Country
	city => 'map', country => 'map', registered_country => 'map', continent => 'map',
	names => 'map', en => 'utf8_string', de => 'utf8_string', iso_code => 'utf8_string',
	code => 'utf8_string', geoname_id => 'uint32', location => 'map',
	latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
	time_zone => 'utf8_string',
	# GeoLite2 ASN
	autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
	# typoguard's site database
	site => 'map', name => 'utf8_string',
);

my $ip_version = 6;
if (@ARGV && $ARGV[0] eq '--ipv4') {
	$ip_version = 4;
	shift @ARGV;
}
die "usage: mkmmdb.pl [--ipv4] DATABASE-TYPE SPEC.json OUT.mmdb\n" unless @ARGV == 3;
my ($dbtype, $spec, $out) = @ARGV;

open my $in, '<:raw', $spec or die "mkmmdb.pl: $spec: $!\n";
my $networks = JSON::PP->new->utf8->decode(do { local $/; <$in> });
close $in;

my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version => $ip_version,
	record_size => 24,
	database_type => $dbtype,
	languages => ['en'],
	description => { en => "typoguard test database ($dbtype)" },
	map_key_type_callback => sub {
		$type{ $_[0] } // die "mkmmdb.pl: $spec: no type for key \"$_[0]\"\n";
	},
	alias_ipv6_to_ipv4 => $ip_version == 6 ? 1 : 0,
	remove_reserved_networks => 0,
);
for my $net (sort keys %$networks) {
	$tree->insert_network($net, $networks->{$net});
}
open my $fh, '>:raw', $out or die "mkmmdb.pl: $out: $!\n";
$tree->write_tree($fh);
close $fh or die "mkmmdb.pl: $out: $!\n";
