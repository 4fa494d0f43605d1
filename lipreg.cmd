@echo off
rem lipreg launcher for Windows: builds the runnable jar if it is missing, then runs it.
rem (The bash launcher ./lipreg also rebuilds when sources change; here run "mvnw.cmd -DskipTests install" after edits.)
setlocal
set "ROOT=%~dp0"
set "JAR=%ROOT%experiments\target\lipreg.jar"
if not exist "%JAR%" (
  echo lipreg: building ^(first run; the first build downloads ~200 MB from Maven Central^)... 1>&2
  pushd "%ROOT%"
  call mvnw.cmd -q -B -DskipTests install
  if errorlevel 1 ( popd & echo lipreg: build failed 1>&2 & exit /b 1 )
  popd
)
rem OpenMP threads sleep instead of spinning between ops unless set otherwise (see ./lipreg and the README).
if not defined OMP_WAIT_POLICY set "OMP_WAIT_POLICY=PASSIVE"
java %LIPREG_JAVA_OPTS% -Dai.djl.offline=true -Djava.awt.headless=true -jar "%JAR%" %*
