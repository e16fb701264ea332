#!/usr/bin/env bash
# placeholder, replaced by the database-servers work
echo "db-servers: $*"
